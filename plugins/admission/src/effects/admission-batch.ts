import type { ReservedUsage, ValidateResult } from '../decide/validate.js';
import { ADM_ERR, AdmissionError } from '../errors.js';
import type { BatchOutcome, BatchRequest } from './batch-plan.js';

export const abandoned = (coordinationKey: string, cause?: unknown) =>
  new AdmissionError(
    ADM_ERR.DEADLINE,
    `quota check for ${coordinationKey} abandoned: the review was answered without it`,
    cause === undefined ? {} : { cause },
  );

/**
 * One admission waiting for its answer. When its review's `signal` aborts (the review was answered
 * without it) it rejects at once with `abandoned`, wherever it is: queued, or in a running batch.
 */
export class PendingAdmission implements BatchRequest {
  /** Answered or abandoned: nothing more happens to it. */
  done = false;
  /** Told when it is abandoned (by the batch it is in). */
  onAbandon: (() => void) | undefined;

  constructor(
    private readonly coordinationKey: string,
    readonly dryRun: boolean,
    readonly decide: (reserved: ReservedUsage) => ValidateResult,
    readonly signal: AbortSignal | undefined,
    private readonly resolve: (result: ValidateResult) => void,
    private readonly reject: (error: unknown) => void,
  ) {
    signal?.addEventListener('abort', this.abandon, { once: true });
  }

  settle(outcome: BatchOutcome): void {
    if (this.done) return;
    this.done = true;
    this.signal?.removeEventListener('abort', this.abandon);
    if (outcome.ok) this.resolve(outcome.result);
    else this.reject(outcome.error);
  }

  private readonly abandon = () => {
    this.settle({ ok: false, error: abandoned(this.coordinationKey, this.signal?.reason) });
    this.onAbandon?.();
  };
}

/**
 * The admissions one load + save serves. Its `signal`, given to the store calls, aborts once every
 * member has been abandoned: nobody waits for the calls any more.
 */
export class AdmissionBatch {
  private readonly controller = new AbortController();

  constructor(private readonly members: readonly PendingAdmission[]) {
    for (const member of members) {
      member.onAbandon = () => {
        if (this.waiting().length === 0) this.controller.abort(member.signal?.reason);
      };
    }
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** The members still waiting for their answer, in arrival order. */
  waiting(): PendingAdmission[] {
    return this.members.filter((member) => !member.done);
  }

  fail(error: unknown): void {
    for (const member of this.members) member.settle({ ok: false, error });
  }
}
