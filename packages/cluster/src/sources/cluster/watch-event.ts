import { isRecord, type KubeJson, resourceVersionOf } from './decode.js';

/** What one watch event asks the informer to do. */
export type WatchAction =
  | { readonly type: 'upsert'; readonly object: KubeJson; readonly resourceVersion: string | undefined }
  | { readonly type: 'remove'; readonly object: KubeJson; readonly resourceVersion: string | undefined }
  | { readonly type: 'bookmark'; readonly resourceVersion: string | undefined }
  | { readonly type: 'gone'; readonly message: string }
  | {
      readonly type: 'error';
      readonly code: number | undefined;
      readonly message: string;
      /** The watch asked for a resourceVersion the server has not reached: only a relist helps. */
      readonly resourceVersionTooLarge: boolean;
    }
  | { readonly type: 'ignore'; readonly reason: string };

/**
 * Given an ERROR event's Status, tells whether it is kube-apiserver's "Too large resource version"
 * (a cause of reason ResourceVersionTooLarge; older servers only say it in the message), as
 * client-go's `isTooLargeResourceVersionError` does.
 */
export function isTooLargeResourceVersion(status: unknown): boolean {
  if (!isRecord(status)) return false;
  if (typeof status.message === 'string' && status.message.includes('Too large resource version'))
    return true;
  const causes = isRecord(status.details) ? status.details.causes : undefined;
  return Array.isArray(causes) && causes.some((c) => isRecord(c) && c.reason === 'ResourceVersionTooLarge');
}

function classifyError(object: unknown): WatchAction {
  const code = isRecord(object) && typeof object.code === 'number' ? object.code : undefined;
  const message =
    isRecord(object) && typeof object.message === 'string' ? object.message : 'watch ERROR event';
  if (code === 410) return { type: 'gone', message };
  return { type: 'error', code, message, resourceVersionTooLarge: isTooLargeResourceVersion(object) };
}

/**
 * Given a watch event's `type` and `object` as the API server sent them, returns the action:
 * ADDED/MODIFIED upsert, DELETED removes, BOOKMARK only moves the resourceVersion, ERROR with a
 * 410 Status means relist, any other ERROR is a failure; anything malformed is ignored.
 */
export function classifyWatchEvent(type: unknown, object: unknown): WatchAction {
  if (type === 'ERROR') return classifyError(object);
  if (!isRecord(object)) return { type: 'ignore', reason: `${String(type)} event without an object` };
  const resourceVersion = resourceVersionOf(object);
  switch (type) {
    case 'ADDED':
    case 'MODIFIED':
      return { type: 'upsert', object, resourceVersion };
    case 'DELETED':
      return { type: 'remove', object, resourceVersion };
    case 'BOOKMARK':
      return { type: 'bookmark', resourceVersion };
    default:
      return { type: 'ignore', reason: `unknown event type ${String(type)}` };
  }
}
