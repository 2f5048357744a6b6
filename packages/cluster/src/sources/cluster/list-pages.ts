import type { ReplaceSession } from '../../sink.js';
import { sleep } from './clock.js';
import type { DecodedList } from './decode.js';
import { describeError } from './describe-error.js';
import { ClusterSourceError } from './errors.js';
import { feed } from './feed.js';
import type { InformerDeps } from './informer-types.js';
import { isGone, isTransientListFailure, retryAfterOf } from './retry-policy.js';
import { withDeadline } from './with-deadline.js';

/** A later LIST page is read this many times at most before the whole run fails. */
export const PAGE_ATTEMPTS = 5;

function listOnce(
  deps: InformerDeps,
  signal: AbortSignal,
  page?: { limit: number; continue?: string },
): Promise<DecodedList> {
  const { clock, timing, resource } = deps;
  const expire = (cause: unknown): Error =>
    new ClusterSourceError(
      'CLUSTER_ERR_LIST_FAILED',
      `LIST ${resource.path}: no answer in ${timing.listTimeoutMs} ms`,
      undefined,
      { cause },
    );
  return withDeadline(clock, timing.listTimeoutMs, signal, expire, (s) => deps.list(resource, s, page));
}

/**
 * Reads a later page (one with a continue token), again after a transient failure (429, 5xx, no
 * answer), waiting the backoff or the server's Retry-After, whichever is longer, as client-go's REST
 * client does: a large list must not start over for one throttled page. Other failures, a 410 for
 * an expired token included, are thrown.
 */
async function listLaterPage(
  deps: InformerDeps,
  signal: AbortSignal,
  limit: number,
  token: string,
): Promise<DecodedList> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await listOnce(deps, signal, { limit, continue: token });
    } catch (err) {
      if (signal.aborted || attempt + 1 >= PAGE_ATTEMPTS || !isTransientListFailure(err)) throw err;
      const delayMs = Math.max(deps.retryDelayMs(attempt), retryAfterOf(err) ?? 0);
      deps.hooks.listRetrying(`page failed: ${describeError(err).message}`, delayMs);
      await sleep(deps.clock, delayMs, signal);
      if (signal.aborted) throw err;
    }
  }
}

/** The sink's paged replace, or pages collected for one replaceAll; sink errors reported, not thrown. */
function pagedSink(deps: InformerDeps): ReplaceSession {
  let session: ReplaceSession | undefined;
  feed(deps, 'beginReplace', (sink, kind) => (session = sink.beginReplace?.(kind, deps.origin)));
  const started = session;
  if (started) {
    return {
      page: (items) => feed(deps, 'beginReplace', () => started.page(items)),
      end: () => feed(deps, 'beginReplace', () => started.end()),
    };
  }
  const items: unknown[] = [];
  return {
    page: (page) => {
      for (const item of page) items.push(item);
    },
    end: () => feed(deps, 'replaceAll', (sink, kind) => sink.replaceAll(kind, items, deps.origin)),
  };
}

interface Listed {
  readonly resourceVersion: string;
  readonly count: number;
}

/**
 * One LIST, in pages of `pageSize` when set, into the sink; undefined if stopped. A list in pages
 * goes to the sink page by page when it can take them (beginReplace), so no one holds the whole
 * list; else the pages are joined. Every page is read at the first page's resourceVersion (the API
 * server's continue token carries it). A failed page leaves the pages applied so far and removes
 * nothing; the next list completes the work.
 */
async function listInto(
  deps: InformerDeps,
  signal: AbortSignal,
  pageSize: number | undefined,
): Promise<Listed | undefined> {
  const first = await listOnce(deps, signal, pageSize === undefined ? undefined : { limit: pageSize });
  if (signal.aborted) return undefined;
  if (first.continue === undefined) {
    feed(deps, 'replaceAll', (sink, kind) => sink.replaceAll(kind, first.items, deps.origin));
    return { resourceVersion: first.resourceVersion, count: first.items.length };
  }
  // A token is followed even when no limit was asked (0: no limit), so a partial list never passes for whole.
  const sink = pagedSink(deps);
  sink.page(first.items);
  let count = first.items.length;
  for (let token: string | undefined = first.continue; token !== undefined;) {
    const next = await listLaterPage(deps, signal, pageSize ?? 0, token);
    if (signal.aborted) return undefined;
    sink.page(next.items);
    count += next.items.length;
    token = next.continue;
  }
  sink.end();
  return { resourceVersion: first.resourceVersion, count };
}

/**
 * LIST, then replace the sink's objects of the kind; the watch resumes from the list's
 * resourceVersion. When a continue token expires (410: the list outlived etcd's compaction window),
 * the list is read again whole, in one request, as client-go's pager does (FullListIfExpired):
 * starting over in pages could expire again and again on a large cluster.
 */
export async function relist(deps: InformerDeps, signal: AbortSignal): Promise<void> {
  let listed: Listed | undefined;
  try {
    listed = await listInto(deps, signal, deps.pageSize);
  } catch (err) {
    if (signal.aborted || deps.pageSize === undefined || !isGone(err)) throw err;
    deps.hooks.listRetrying(`continue token expired: ${describeError(err).message}; listing all at once`, 0);
    listed = await listInto(deps, signal, undefined);
  }
  if (listed === undefined) return;
  deps.state.resourceVersion = listed.resourceVersion;
  deps.state.watchFailures = 0;
  deps.hooks.listed(listed.count, listed.resourceVersion);
}
