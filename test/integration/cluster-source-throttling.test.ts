import type { FakeApiServer } from './fake-apiserver/index.js';
import { clusterSourceHarness, PODS, teamPod, type SourceHarness } from './cluster-source-harness.js';
import { waitFor } from '../support/wait-for.js';

/**
 * 429 Too Many Requests, as API Priority and Fairness answers an overloaded kube-apiserver (with
 * Retry-After): the cluster source waits at least as long as it is told, and a throttled watch is
 * retried from its resourceVersion, never turned into a full relist (client-go's reflector does the
 * same: isWatchErrorRetriable), which would add the heaviest request to an overloaded server.
 */

const startSource = clusterSourceHarness();

/** One Pod informer, synced and watching. */
async function start(before?: (server: FakeApiServer) => void): Promise<SourceHarness> {
  const h = await startSource({
    seed: (server) => {
      server.upsert(teamPod('p1'));
      before?.(server);
    },
    source: { kinds: ['Pod'] },
  });
  await waitFor(() => h.source.synced() && h.server.openWatches() === 1, 'synced and watching', 5_000);
  return h;
}

describe('cluster source: 429 Too Many Requests', () => {
  it('given 429 with Retry-After on the LIST, waits at least Retry-After before listing again', async () => {
    const h = await start((server) =>
      server.failNext(1, { path: PODS, watch: false, code: 429, retryAfterSeconds: 1 }),
    );
    const [throttled, retried] = h.server.requests.all({ path: PODS, watch: false });
    expect((retried?.at ?? 0) - (throttled?.at ?? 0)).toBeGreaterThanOrEqual(995);
    expect(h.source.status().Pod?.lastError).toContain('injected failure (429)');
  });

  it('given watches throttled with 429 again and again, resumes from the resourceVersion without relisting', async () => {
    const h = await start();
    const resumeFrom = h.source.status().Pod?.resourceVersion;
    h.server.failNext(4, { path: PODS, watch: true, code: 429 });
    h.server.dropWatches();
    h.server.remove(teamPod('p1'));
    h.server.upsert(teamPod('p2'));
    await waitFor(() => h.store.pod('team-a', 'p2') !== undefined, 'p2 by watch', 5_000);
    expect(h.store.pod('team-a', 'p1')).toBeUndefined();
    expect(h.server.requests.count({ path: PODS, watch: false })).toBe(1);
    const watches = h.server.requests.all({ path: PODS, watch: true });
    expect(watches).toHaveLength(6);
    for (const w of watches.slice(1)) expect(w.query['resourceVersion']).toBe(resumeFrom);
  });
});
