import type { Logger } from 'pino';
import { monotonicNow, type Clock } from '../leader/clock.js';
import type { ApiFailure } from './api-failure.js';

/** A refusal of the API (403, 422...) is logged as a warning at most this often per HTTP status. */
const REFUSAL_LOG_MS = 600_000;

/** Which Event a failed write was for. */
export interface FailedWrite {
  readonly namespace: string;
  readonly name: string;
}

/**
 * Logs the event recorder's failed writes without flooding: an outage once until a write succeeds
 * again; a refusal (which says nothing about the API's health) as a warning at most once per
 * REFUSAL_LOG_MS per HTTP status, else at debug level.
 */
export class WriteFailureLog {
  private failing = false;
  /** When a refusal with each HTTP status was last logged as a warning (monotonic clock). */
  private readonly refusalsLogged = new Map<number, number>();

  constructor(
    private readonly clock: Clock,
    private readonly logger: Logger | undefined,
  ) {}

  failed(err: unknown, write: FailedWrite, failure: ApiFailure): void {
    const context = { err, namespace: write.namespace, event: write.name, status: failure.status };
    if (failure.kind === 'refused') {
      const now = monotonicNow(this.clock);
      const last = this.refusalsLogged.get(failure.status);
      const warn = last === undefined || now - last >= REFUSAL_LOG_MS;
      if (warn) this.refusalsLogged.set(failure.status, now);
      this.logger?.[warn ? 'warn' : 'debug'](
        context,
        'the API refused a Kubernetes Event; not asking again for it for a while',
      );
      return;
    }
    if (this.failing) return;
    this.failing = true;
    this.logger?.warn(
      context,
      failure.kind === 'throttled'
        ? 'the API asked to slow down (Retry-After); pausing Kubernetes Events'
        : 'could not write a Kubernetes Event; dropping events until the API answers',
    );
  }

  /** A write succeeded: the API answers again. */
  succeeded(): void {
    if (!this.failing) return;
    this.failing = false;
    this.logger?.info('Kubernetes Events are written again');
  }
}
