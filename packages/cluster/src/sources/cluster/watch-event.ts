import { isRecord, type KubeJson, resourceVersionOf } from './decode.js';

/** What one watch event asks the informer to do. */
export type WatchAction =
  | { readonly type: 'upsert'; readonly object: KubeJson; readonly resourceVersion: string | undefined }
  | { readonly type: 'remove'; readonly object: KubeJson; readonly resourceVersion: string | undefined }
  | { readonly type: 'bookmark'; readonly resourceVersion: string | undefined }
  | { readonly type: 'gone'; readonly message: string }
  | { readonly type: 'error'; readonly code: number | undefined; readonly message: string }
  | { readonly type: 'ignore'; readonly reason: string };

function classifyError(object: unknown): WatchAction {
  const code = isRecord(object) && typeof object.code === 'number' ? object.code : undefined;
  const message =
    isRecord(object) && typeof object.message === 'string' ? object.message : 'watch ERROR event';
  return code === 410 ? { type: 'gone', message } : { type: 'error', code, message };
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
