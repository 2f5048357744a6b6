import { CorralError, type CorralErrorOptions } from '@corral/runtime';

/**
 * The admission webhooks' error catalogue. Codes are stable: operators grep for them. `httpStatusOf`
 * is the ONE place errors map to the wire.
 */
export const ADM_ERR = {
  /** The body is not JSON or not an AdmissionReview with a request. */
  BAD_REVIEW: 'ADM_ERR_BAD_REVIEW',
  /** The body is over the limit (3 MiB by default). */
  TOO_LARGE: 'ADM_ERR_TOO_LARGE',
  /** The rules did not answer before the request's deadline. */
  DEADLINE: 'ADM_ERR_DEADLINE',
  /** A rule threw: a bug, or an object shape nobody expected. */
  INTERNAL: 'ADM_ERR_INTERNAL',
  /** Manifests given to `corral check` could not be read. */
  MANIFESTS: 'ADM_ERR_MANIFESTS',
  /** The policy snapshot could not be opened. */
  POLICIES: 'ADM_ERR_POLICIES',
  /** The webhook certificate bootstrap could not read, write or serve its Secret (docs/adr/0015). */
  TLS_BOOTSTRAP: 'ADM_ERR_TLS_BOOTSTRAP',
} as const;

export type AdmissionErrorCode = (typeof ADM_ERR)[keyof typeof ADM_ERR];

export class AdmissionError extends CorralError<AdmissionErrorCode> {
  constructor(code: AdmissionErrorCode, message: string, options: CorralErrorOptions = {}) {
    super(code, message, options);
  }
}

const STATUS: Readonly<Record<AdmissionErrorCode, number>> = {
  ADM_ERR_BAD_REVIEW: 400,
  ADM_ERR_TOO_LARGE: 413,
  ADM_ERR_DEADLINE: 500,
  ADM_ERR_INTERNAL: 500,
  ADM_ERR_MANIFESTS: 400,
  ADM_ERR_POLICIES: 500,
  ADM_ERR_TLS_BOOTSTRAP: 500,
};

/** The HTTP status of an error (fastify's own errors keep theirs; anything unknown is 500). */
export function httpStatusOf(err: unknown): number {
  if (err instanceof AdmissionError) return STATUS[err.code];
  const status = (err as { statusCode?: unknown } | null)?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 600) return status;
  return 500;
}

/** The wire body of an HTTP-level error: a code and a message, never a stack. */
export function errorBody(err: unknown): { code: string; message: string } {
  const status = httpStatusOf(err);
  if (err instanceof AdmissionError) return { code: err.code, message: err.message };
  if (status === 413) {
    return {
      code: ADM_ERR.TOO_LARGE,
      message: 'request body is larger than the 3 MiB an AdmissionReview may have',
    };
  }
  if (status === 400 || status === 415) {
    const message = err instanceof Error ? err.message : 'bad request';
    return { code: ADM_ERR.BAD_REVIEW, message: `not an AdmissionReview: ${message}` };
  }
  return { code: ADM_ERR.INTERNAL, message: 'internal error' };
}
