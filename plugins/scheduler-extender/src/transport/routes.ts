import type { CorralServer, RequestGuard } from '@corral/runtime';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { logAnswer, UnreadableArgs, type Answer, type ExtenderHandlers } from './extender-handlers.js';
import type { ExtenderMetrics, Verb } from './extender-metrics.js';
import { FilterAnswer } from './filter-result.js';

const NodeList = Type.Union([
  Type.Null(),
  Type.Object({ metadata: Type.Unknown(), items: Type.Array(Type.Unknown()) }),
]);
const FailedNodes = Type.Record(Type.String(), Type.String());

/** Response schemas with kube-scheduler's Go field names (STYLE.md #6). */
export const RESPONSE_SCHEMAS = {
  filter: Type.Object({
    Nodes: NodeList,
    NodeNames: Type.Union([Type.Null(), Type.Array(Type.String())]),
    FailedNodes,
    FailedAndUnresolvableNodes: FailedNodes,
    Error: Type.String(),
  }),
  prioritize: Type.Array(
    Type.Object({ Host: Type.String(), Score: Type.Integer({ minimum: 0, maximum: 10 }) }),
  ),
  preempt: Type.Object({
    NodeNameToMetaVictims: Type.Record(
      Type.String(),
      Type.Object({
        Pods: Type.Array(Type.Object({ UID: Type.String() })),
        NumPDBViolations: Type.Integer(),
      }),
    ),
  }),
  bind: Type.Object({ Error: Type.String() }),
} as const;

/** The content type fastify gives serialized JSON. */
const JSON_TYPE = 'application/json; charset=utf-8';

/** The answers other than filter's are small (a filter answer writes its own bytes, see FilterAnswer). */
const serializeAnswer = (data: unknown): string => JSON.stringify(data);

export interface RouteOptions {
  readonly handlers: ExtenderHandlers;
  readonly metrics: ExtenderMetrics;
  /** Runs before each verb, e.g. requireClientCertificate (answers 403 to an unverified caller). */
  readonly guard?: RequestGuard;
}

/**
 * POST /scheduler/{filter,prioritize,preempt,bind}. Bodies are read as Go reads them (case-folded
 * keys), so the body schema is open and the envelope modules validate; answers follow the response
 * schemas (checked by the envelope tests) and are written by JSON.stringify, except the filter
 * answer, which sends the UTF-8 bytes it writes itself (FilterAnswer.bytes).
 * 200 always, except an unreadable body: malformed JSON (fastify), or arguments for a verb whose
 * answer has no Error field (400 with the reason), and a caller the guard refuses (its answer).
 */
export function registerExtenderRoutes(app: CorralServer, options: RouteOptions): void {
  const { handlers, guard } = options;
  const route = (verb: Verb, run: (body: unknown) => Answer<unknown> | Promise<Answer<unknown>>) => {
    app.post(
      `/scheduler/${verb}`,
      {
        schema: { body: Type.Unknown(), response: { 200: RESPONSE_SCHEMAS[verb] } },
        // Not the schema-compiled serializer: a filter answer of 450 refusals writes itself in a
        // fraction of its time. The schemas stay the contract: the tests check answers against them.
        serializerCompiler: () => serializeAnswer,
        ...(guard
          ? { onRequest: (request: FastifyRequest, reply: FastifyReply) => guard(request, reply) }
          : {}),
      },
      async (request: FastifyRequest, reply: FastifyReply) => {
        const stop = options.metrics.requestDuration.startTimer({ verb });
        try {
          const answer = await run(request.body);
          logAnswer(request.log, verb, answer);
          // A filter answer sends its bytes (see FilterAnswer), typed as the serializer would have.
          if (answer.body instanceof FilterAnswer)
            return await reply.code(200).type(JSON_TYPE).send(answer.body.bytes());
          return await reply.code(200).send(answer.body);
        } catch (error) {
          if (!(error instanceof UnreadableArgs)) throw error;
          request.log.warn({ verb, ...error.log, err: error }, `extender ${verb}: unreadable arguments`);
          return await reply
            .code(400)
            .send({ error: 'Bad Request', message: error.message, statusCode: 400 });
        } finally {
          stop();
        }
      },
    );
  };
  route('filter', (body) => handlers.filter(body));
  route('prioritize', (body) => handlers.prioritize(body));
  route('preempt', (body) => handlers.preempt(body));
  route('bind', (body) => handlers.bind(body));
}
