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

  constructor(
    readonly code: ClusterSourceErrorCode,
    message: string,
    readonly statusCode?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
