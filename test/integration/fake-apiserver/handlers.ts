import type { ServerResponse } from 'node:http';
import type { ObjectStore, StoredEvent } from './object-store.js';
import type { ResourcePath } from './resources.js';
import { failureStatus, sendJson, sendStatus, tooOldResourceVersion } from './status.js';
import { type WatchRegistry, writeEvent } from './watch-registry.js';

/** How a watch from a compacted resourceVersion is refused: HTTP 410, or 200 and an ERROR event. */
export type GoneStyle = 'http' | 'event';

export interface HandlerContext {
  readonly store: ObjectStore;
  readonly watches: WatchRegistry;
  readonly goneStyle: () => GoneStyle;
}

export function handleGet(
  res: ServerResponse,
  target: ResourcePath,
  name: string,
  ctx: HandlerContext,
): void {
  const found = ctx.store.get(target.resource, target.namespace, name);
  if (found === undefined) {
    sendStatus(res, failureStatus(404, 'NotFound', `${target.resource.plural} "${name}" not found`));
    return;
  }
  sendJson(res, 200, found);
}

/** Events to replay before going live, 'expired' for a compacted resourceVersion, or undefined if bad. */
function backlogFor(
  target: ResourcePath,
  since: string,
  store: ObjectStore,
): StoredEvent[] | 'expired' | undefined {
  if (since === '' || since === '0') {
    // kube-apiserver starts such a watch with a synthetic ADDED event per existing object.
    const objects = store.list(target.resource, target.namespace);
    return objects.map((object) => ({
      resourceVersion: 0,
      type: 'ADDED',
      resource: target.resource,
      object,
    }));
  }
  const revision = Number(since);
  if (!Number.isInteger(revision) || revision < 0) return undefined;
  return store.eventsSince(target.resource, revision, target.namespace);
}

function refuseExpired(res: ServerResponse, since: string, ctx: HandlerContext): void {
  const oldest = ctx.store.oldestWatchableRevision();
  if (ctx.goneStyle() === 'http') {
    sendStatus(res, tooOldResourceVersion(Number(since), oldest, 'Gone'));
    return;
  }
  res.writeHead(200, { 'Content-Type': 'application/json' });
  writeEvent(res, 'ERROR', tooOldResourceVersion(Number(since), oldest, 'Expired'));
  res.end();
}

export function handleWatch(
  res: ServerResponse,
  target: ResourcePath,
  query: URLSearchParams,
  ctx: HandlerContext,
): void {
  const since = query.get('resourceVersion') ?? '';
  const backlog = backlogFor(target, since, ctx.store);
  if (backlog === undefined) {
    sendStatus(res, failureStatus(400, 'BadRequest', `invalid resourceVersion "${since}"`));
    return;
  }
  if (backlog === 'expired') {
    refuseExpired(res, since, ctx);
    return;
  }
  res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();
  for (const event of backlog) writeEvent(res, event.type, event.object);
  const bookmarks = query.get('allowWatchBookmarks') === 'true';
  ctx.watches.add({ resource: target.resource, namespace: target.namespace, bookmarks, res });
  const timeoutSeconds = Number(query.get('timeoutSeconds') ?? '0');
  if (timeoutSeconds > 0) {
    const timer = setTimeout(() => res.end(), timeoutSeconds * 1000);
    res.on('close', () => clearTimeout(timer));
  }
}
