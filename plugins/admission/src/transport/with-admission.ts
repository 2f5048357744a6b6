import type { Decision } from '../decide/decision.js';
import type { AdmissionRequest } from '../decide/request.js';
import { ADM_ERR, AdmissionError } from '../errors.js';
import {
  parseReview,
  respond,
  respondToFailure,
  type InnerResult,
  type ReviewIn,
  type ReviewOut,
} from './envelope.js';
import { RequestDeadline } from './request-deadline.js';

/**
 * The rules behind one webhook; may be sync or async (e.g. waiting on the API for a reservation).
 * Async work should stop when `deadline.signal` aborts: the review has then been answered without it.
 */
export type InnerHandler = (
  request: AdmissionRequest,
  review: ReviewIn,
  deadline: RequestDeadline,
) => InnerResult | Promise<InnerResult>;

export interface WithAdmissionOptions {
  /** Answer within this many ms whatever the rules do; keep it below the webhook's timeoutSeconds. */
  readonly deadlineMs: number;
  /** Fail open (allow with a warning) rather than closed when the rules fail for this request? */
  readonly failOpen: (request: AdmissionRequest) => boolean;
}

export interface Answer {
  readonly request: AdmissionRequest;
  readonly review: ReviewOut;
  readonly decisions: readonly Decision[];
  /** Set when the rules threw or missed the deadline. */
  readonly failure?: AdmissionError;
}

const TIMED_OUT = Symbol('timed out');

async function withDeadline<T>(work: Promise<T>, deadline: RequestDeadline): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(
      () => {
        // The answer first: whatever the abort makes the work do next cannot win the race.
        resolve(TIMED_OUT);
        deadline.expire();
      },
      Math.max(0, deadline.at - Date.now()),
    );
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The time the rules get: `deadlineMs`, or less when the API server's own timeout for the call
 * (`?timeout=` of the webhook request) leaves less, keeping a tenth of it (at least 100 ms) for the
 * answer's way back.
 */
export function effectiveDeadlineMs(deadlineMs: number, apiTimeoutMs?: number): number {
  if (apiTimeoutMs === undefined || !(apiTimeoutMs > 0)) return deadlineMs;
  const margin = Math.max(100, apiTimeoutMs / 10);
  return Math.max(0, Math.min(deadlineMs, apiTimeoutMs - margin));
}

/**
 * Wraps rules in the AdmissionReview envelope: parses the body (throwing ADM_ERR_BAD_REVIEW, which
 * the route maps to HTTP 400), runs the rules under a deadline, and answers. A rule that throws or
 * hangs never produces a crash or a late answer: it becomes a 500 denial or a warning (see failOpen).
 */
export async function withAdmission(
  body: unknown,
  inner: InnerHandler,
  options: WithAdmissionOptions,
  apiTimeoutMs?: number,
): Promise<Answer> {
  return answerReview(body, inner, options, apiTimeoutMs);
}

/**
 * withAdmission, answering at once (not through a promise) when the rules are synchronous, as they
 * are for almost every review: the webhook routes hand fastify the answer itself, which spares each
 * review the promises, awaits and microtask turns of an async handler. A bad body throws here, at
 * once; withAdmission turns that into a rejection. `arrivedAt` (epoch ms, default now): when the
 * request was read, from which the deadline counts.
 */
export function answerReview(
  body: unknown,
  inner: InnerHandler,
  options: WithAdmissionOptions,
  apiTimeoutMs?: number,
  arrivedAt: number = Date.now(),
): Answer | Promise<Answer> {
  const review = parseReview(body);
  const ms = effectiveDeadlineMs(options.deadlineMs, apiTimeoutMs);
  const deadline = new RequestDeadline(arrivedAt + ms);
  try {
    // Synchronous rules (the common case) answer at once, with no timer; only a pending promise races
    // the deadline.
    const direct = inner(review.request, review, deadline);
    if (isPromise(direct)) return answerInTime(review, direct, deadline, options, ms);
    return answered(review, direct);
  } catch (cause) {
    return fallback(review, options, failureOf(cause));
  }
}

/** The answer of rules that returned a promise: theirs, or a failure once the deadline passes first. */
async function answerInTime(
  review: ReviewIn,
  work: Promise<InnerResult>,
  deadline: RequestDeadline,
  options: WithAdmissionOptions,
  ms: number,
): Promise<Answer> {
  try {
    const result = await withDeadline(work, deadline);
    if (result === TIMED_OUT) {
      const failure = new AdmissionError(ADM_ERR.DEADLINE, `no answer within ${ms} ms`);
      return fallback(review, options, failure);
    }
    return answered(review, result);
  } catch (cause) {
    return fallback(review, options, failureOf(cause));
  }
}

const answered = (review: ReviewIn, result: InnerResult): Answer => ({
  request: review.request,
  review: respond(review, result),
  decisions: result.decisions,
});

/**
 * Corral's own errors say what happened and what to do (e.g. too many quota reservations in flight:
 * retry); anything else is a bug and says only "internal error" (the log has the cause).
 */
const failureOf = (cause: unknown): AdmissionError =>
  cause instanceof AdmissionError ? cause : new AdmissionError(ADM_ERR.INTERNAL, 'internal error', { cause });

/** The answer when the rules failed: see respondToFailure. */
function fallback(review: ReviewIn, options: WithAdmissionOptions, failure: AdmissionError): Answer {
  return {
    request: review.request,
    review: respondToFailure(review, safeFailOpen(options, review.request), failure.message),
    decisions: [],
    failure,
  };
}

const isPromise = <T>(value: T | Promise<T>): value is Promise<T> =>
  typeof (value as { then?: unknown } | null)?.then === 'function';

function safeFailOpen(options: WithAdmissionOptions, request: AdmissionRequest): boolean {
  try {
    return options.failOpen(request);
  } catch {
    return false;
  }
}
