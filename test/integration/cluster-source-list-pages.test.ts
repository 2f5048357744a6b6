import type { SnapshotStore } from '@corral/cluster';
import type { FakeApiServer } from './fake-apiserver/index.js';
import { clusterSourceHarness, PODS, teamPod, type SourceHarness } from './cluster-source-harness.js';
import { waitFor } from '../support/wait-for.js';

/**
 * A LIST read in pages (limit/continue, pages of 2 here) against kube-apiserver's paging protocol:
 * a page that fails for a moment is retried alone, and a continue token that expires (the list took
 * longer than etcd's compaction window) ends in one full LIST, as client-go's pager does, so a large
 * list always completes and never leaves behind objects deleted meanwhile.
 */

const NAMES = ['p1', 'p2', 'p3', 'p4', 'p5'];
const startSource = clusterSourceHarness();

/** A Pod informer reading pages of 2; `onContinue` runs before the server answers each later page. */
async function start(
  options: { before?: (server: FakeApiServer) => void; onContinue?: (server: FakeApiServer) => void } = {},
): Promise<SourceHarness> {
  const started: { server?: FakeApiServer } = {};
  return startSource({
    extra: (_req, _res, url) => {
      if (started.server && url.pathname === PODS && url.searchParams.has('continue')) {
        options.onContinue?.(started.server);
      }
      return false;
    },
    seed: (server) => {
      started.server = server;
      for (const name of NAMES) server.upsert(teamPod(name));
      options.before?.(server);
    },
    source: { kinds: ['Pod'], listPageSize: 2 },
  });
}

const podNames = (store: SnapshotStore) => NAMES.filter((name) => store.pod('team-a', name) !== undefined);
const lists = (server: FakeApiServer) => server.requests.all({ path: PODS, watch: false });

describe('cluster source: LIST in pages', () => {
  it('given every continue token expiring before its page, falls back to one full LIST and syncs', async () => {
    let deleted = false;
    const h = await start({
      onContinue: (server) => {
        if (!deleted) server.remove(teamPod('p1'));
        deleted = true;
        // A write after the token's revision, then a compaction: etcd can no longer read the token's revision.
        server.upsert({ apiVersion: 'v1', kind: 'Node', metadata: { name: `n${server.resourceVersion()}` } });
        server.expireHistory();
      },
    });
    await waitFor(() => h.source.synced(), 'synced despite expiring continue tokens', 3_000);
    expect(podNames(h.store)).toEqual(['p2', 'p3', 'p4', 'p5']);
    expect(lists(h.server).map((r) => r.query)).toEqual([
      { limit: '2' },
      { limit: '2', continue: expect.any(String) },
      {},
    ]);
    expect(h.source.status().Pod).toMatchObject({ restarts: 0, resourceVersion: h.server.resourceVersion() });
  });

  it('given 429 (with Retry-After) and 503 on later pages, retries those pages alone and honours Retry-After', async () => {
    const h = await start({
      before: (server) => {
        server.failNext(1, { path: PODS, watch: false, continue: true, code: 429, retryAfterSeconds: 1 });
        server.failNext(1, { path: PODS, watch: false, continue: true, code: 503 });
      },
    });
    await waitFor(() => h.source.synced(), 'synced', 5_000);
    expect(podNames(h.store)).toEqual(NAMES);
    const requests = lists(h.server);
    expect(requests.filter((r) => r.query['continue'] === undefined)).toHaveLength(1);
    // page 2 → 429, page 2 → 503, page 2, page 3
    expect(requests).toHaveLength(5);
    const [, throttled, retried] = requests;
    expect((retried?.at ?? 0) - (throttled?.at ?? 0)).toBeGreaterThanOrEqual(995);
    expect(h.source.status().Pod?.restarts).toBe(0);
  });
});
