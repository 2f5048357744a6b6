/**
 * Connection errors raised before the binding POST reached kube-apiserver: nothing was created.
 * (No answer at all, such as a reset or a hang-up once the request was sent, is not among them.)
 */
const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);

/** What a failed binding POST tells: its HTTP status, else its connection error code. */
export interface BindFailure {
  readonly status?: number;
  /** A Node.js system error code (`ECONNRESET`...), when no HTTP answer came. */
  readonly code?: string;
  /** Given up at the call's timeout. */
  readonly aborted: boolean;
}

/**
 * Whether a failed binding POST may have bound the pod all the same: given up at its timeout, a
 * server error (kube-apiserver answers 5xx, e.g. 504 "may still be processing the request", when
 * its storage write timed out, which may still commit), or the connection lost once the request was
 * sent (reset, hang-up). A 4xx answer (409 is read back by the binder), or a connection never made,
 * bound nothing.
 */
export function mayHaveBound({ status, code, aborted }: BindFailure): boolean {
  if (aborted) return true;
  if (status !== undefined) return status >= 500;
  return code === undefined || !NEVER_SENT.has(code);
}
