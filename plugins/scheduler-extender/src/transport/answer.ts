import type { FastifyBaseLogger } from 'fastify';

/** What the boundary's log line carries beside the verb (pod, node count…). */
export type AnswerLog = Readonly<Record<string, string | number | undefined>>;

/** A verb's answer and what the boundary logs about it. */
export interface Answer<T> {
  readonly body: T;
  readonly log: AnswerLog;
  /** Set when the request could not be decided. */
  readonly error?: unknown;
}

/** Thrown for a body that is JSON but not the verb's arguments when the answer has no Error field. */
export class UnreadableArgs extends Error {
  /** `log`: what was read of the request before it failed (the pod, the node count). */
  constructor(
    message: string,
    readonly log: AnswerLog = {},
  ) {
    super(message);
  }
}

/** The boundary's single log line for one answered verb. */
export function logAnswer(logger: FastifyBaseLogger, verb: string, answer: Answer<unknown>): void {
  if (answer.error === undefined) logger.info({ verb, ...answer.log }, `extender ${verb}`);
  else logger.warn({ verb, ...answer.log, err: answer.error }, `extender ${verb} answered an error`);
}
