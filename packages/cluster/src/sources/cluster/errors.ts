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
  /**
   * The least wait before the next request: the API server's Retry-After, if it sent one, or the
   * informer's own backoff after a 410 that came right after its LIST.
   */
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
