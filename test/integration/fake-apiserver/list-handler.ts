import type { ServerResponse } from 'node:http';
import { type KubeObject, type ObjectStore, storeKeyOf } from './object-store.js';
import type { ResourcePath } from './resources.js';
import { failureStatus, sendJson, sendStatus, type StatusObject } from './status.js';

/** What a LIST continue token holds, as kube-apiserver encodes it: the revision and the next key. */
interface ContinueToken {
  readonly v: 'meta.k8s.io/v1';
  readonly rv: number;
  /** The first key of the next page: the last key served plus "\u0000". */
  readonly start: string;
}

const INCONSISTENT_CONTINUE =
  'The provided continue parameter is too old to display a consistent list result. You can start a new ' +
  'list without the continue parameter, or use the continue token in this response to retrieve the ' +
  'remainder of the results. Continuing with the provided token results in an inconsistent list - objects ' +
  'that were created, modified, or deleted between the time the first chunk was returned and now may ' +
  'show up in the list.';

function encodeToken(rv: number, lastKey: string): string {
  const token: ContinueToken = { v: 'meta.k8s.io/v1', rv, start: `${lastKey}\u0000` };
  return Buffer.from(JSON.stringify(token)).toString('base64');
}

function decodeToken(text: string): ContinueToken | undefined {
  try {
    const token = JSON.parse(Buffer.from(text, 'base64').toString()) as Partial<ContinueToken>;
    const valid =
      token.v === 'meta.k8s.io/v1' && Number.isInteger(token.rv) && typeof token.start === 'string';
    return valid ? (token as ContinueToken) : undefined;
  } catch {
    return undefined;
  }
}

function stripTypeMeta(object: KubeObject): Omit<KubeObject, 'apiVersion' | 'kind'> {
  const { apiVersion: _apiVersion, kind: _kind, ...rest } = object;
  return rest;
}

/** Where a LIST starts: the first page at the current revision, or the page a token names; or why not. */
function startOf(query: URLSearchParams, store: ObjectStore): { rv: number; after?: string } | StatusObject {
  const text = query.get('continue') ?? '';
  if (text === '') return { rv: store.currentRevision() };
  const rv = query.get('resourceVersion') ?? '';
  if (rv !== '' && rv !== '0') {
    return failureStatus(400, 'BadRequest', 'specifying resource version is not allowed when using continue');
  }
  if (query.has('resourceVersionMatch')) {
    return failureStatus(400, 'BadRequest', 'resourceVersionMatch is forbidden when continue is provided');
  }
  const token = decodeToken(text);
  if (token === undefined) return failureStatus(400, 'BadRequest', 'continue key is not valid');
  const after = token.start.endsWith('\u0000') ? token.start.slice(0, -1) : token.start;
  if (token.rv < store.oldestWatchableRevision()) {
    // etcd has compacted the token's revision: 410 Expired, with a token for an inconsistent rest.
    const expired = failureStatus(410, 'Expired', INCONSISTENT_CONTINUE);
    return { ...expired, metadata: { continue: encodeToken(store.currentRevision(), after) } };
  }
  return { rv: token.rv, after };
}

/**
 * LIST, in pages with `limit` and `continue` as kube-apiserver serves them: objects in key order, each
 * page after the last key of the one before, the first page's resourceVersion on every page, and 410
 * Expired once the token's revision is compacted (expireHistory). The fake keeps no old versions, so a
 * list that changes between pages is not a consistent snapshot; objects that stay are never skipped.
 */
export function handleList(
  res: ServerResponse,
  target: ResourcePath,
  store: ObjectStore,
  query: URLSearchParams = new URLSearchParams(),
): void {
  const { resource } = target;
  const start = startOf(query, store);
  if ('kind' in start) {
    sendStatus(res, start);
    return;
  }
  const limit = Number(query.get('limit') ?? 0);
  const { items: objects, remaining } = store.page(resource, target.namespace, start.after, limit);
  const last = objects.at(-1);
  const more = remaining > 0 && last !== undefined;
  const metadata = more
    ? {
        resourceVersion: String(start.rv),
        continue: encodeToken(start.rv, storeKeyOf(last)),
        remainingItemCount: remaining,
      }
    : { resourceVersion: String(start.rv) };
  sendJson(res, 200, {
    kind: resource.listKind,
    apiVersion: resource.apiVersion,
    metadata,
    items: resource.listItemsCarryTypeMeta ? objects : objects.map(stripTypeMeta),
  });
}
