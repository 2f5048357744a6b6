/**
 * Errors of the cluster source. Stable codes; the HTTP status when the API server answered one.
 * Messages never carry credentials: they come from the API server's Status or are written here.
 */
export type ClusterSourceErrorCode =
  | 'CLUSTER_ERR_LIST_FAILED'
  | 'CLUSTER_ERR_LIST_DECODE'
  | 'CLUSTER_ERR_WATCH_FAILED'
  | 'CLUSTER_ERR_WATCH_EVENT'
  | 'CLUSTER_ERR_WATCH_STALLED'
  | 'CLUSTER_ERR_WATCH_SHORT';

export class ClusterSourceError extends Error {
  override readonly name = 'ClusterSourceError';
  /** How long the API server asked to wait before the next request (its Retry-After), if it did. */
  readonly retryAfterMs: number | undefined;

  constructor(
    readonly code: ClusterSourceErrorCode,
    message: string,
    readonly statusCode?: number,
    options?: { cause?: unknown; retryAfterMs?: number },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.retryAfterMs = options?.retryAfterMs;
  }
}
