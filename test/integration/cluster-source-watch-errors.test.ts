import type { ClusterSourceOptions } from '../../packages/cluster/src/sources/cluster/index.js';
import { clusterSourceHarness, PODS, teamPod, type SourceHarness } from './cluster-source-harness.js';
import { delay, waitFor } from '../support/wait-for.js';

/**
 * Watches the API server answers with HTTP 200 and then fails (ERROR events), watches whose
 * response headers never come, and stopping while one is pending: the cluster source must neither
 * stay ready on a stale snapshot nor hang.
 */

const tooLarge = (rv: string) => ({
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message: `Timeout: Too large resource version: ${rv}, current: 2`,
  reason: 'Timeout',
  details: { causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }] },
  code: 504,
});

const conversionFailed = {
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message: 'conversion webhook for corral.dev/v1alpha1 failed',
  reason: 'InternalError',
  code: 500,
};

const startSource = clusterSourceHarness();

/** One Pod informer, synced and watching, with every readiness change it reported. */
async function startPods(
  options: Partial<ClusterSourceOptions> = {},
): Promise<SourceHarness & { readonly readiness: [boolean, string][] }> {
  const readiness: [boolean, string][] = [];
  const h = await startSource({
    seed: (server) => server.upsert(teamPod('p1')),
    source: {
      kinds: ['Pod'],
      readiness: (_kind, synced, reason) => readiness.push([synced, reason]),
      ...options,
    },
  });
  await waitFor(() => h.source.synced() && h.server.openWatches() === 1, 'synced and watching');
  return { ...h, readiness };
}

describe('cluster source: watches that fail after HTTP 200', () => {
  it('given 200 + "Too large resource version", relists and the snapshot catches up', async () => {
    const h = await startPods();
    h.server.errorWatches(tooLarge(h.server.resourceVersion()), { path: PODS });
    h.server.dropWatches();
    h.server.upsert(teamPod('p2'));
    h.server.remove(teamPod('p1'));
    await waitFor(() => h.store.pod('team-a', 'p2') !== undefined, 'p2 listed');
    expect(h.store.pod('team-a', 'p1')).toBeUndefined();
    expect(h.server.requests.count({ path: PODS, watch: false })).toBeGreaterThanOrEqual(2);
  });

  it('given 200 + ERROR on every watch and a failing LIST, becomes unsynced after unsyncedAfterMs', async () => {
    const h = await startPods({ timing: { unsyncedAfterMs: 300 } });
    h.server.errorWatches(conversionFailed, { path: PODS });
    h.server.failNext(100_000, { path: PODS, watch: false });
    h.server.dropWatches();
    await waitFor(() => !h.source.synced(), 'unsynced', 3_000);
    expect(h.readiness.at(-1)).toEqual([false, expect.stringContaining('failing for 300 ms')]);
    // Three failed watches in a row (drop, then two ERROR events), then only LISTs.
    expect(h.server.requests.count({ path: PODS, watch: true })).toBe(3);
  });

  it('given 200 + non-410 ERROR again and again, relists after three failed watches', async () => {
    const h = await startPods();
    h.server.errorWatches(conversionFailed, { path: PODS });
    h.server.dropWatches();
    await waitFor(() => h.server.requests.count({ path: PODS, watch: false }) >= 2, 'relisted');
    // The first LIST and watch, the drop, then two watches answered 200 + ERROR.
    const kinds = h.server.requests.all({ path: PODS }).map((r) => (r.watch ? 'watch' : 'list'));
    expect(kinds.slice(0, 5)).toEqual(['list', 'watch', 'watch', 'watch', 'list']);
  });

  it('given an unsynced kind, 200 + ERROR 410 does not sync it while the relist fails', async () => {
    const h = await startPods({ timing: { unsyncedAfterMs: 30 } });
    // Drop (failure 1), one watch answered 500 (failure 2): unsynced by then. The next watch gets
    // 200 + ERROR 410 (p1's deletion was compacted away), and every LIST fails.
    h.server.failNext(1, { path: PODS, watch: true });
    h.server.failNext(100_000, { path: PODS, watch: false });
    h.server.remove(teamPod('p1'));
    h.server.expireHistory('event');
    h.server.dropWatches();
    await waitFor(() => h.server.requests.count({ path: PODS, watch: true }) >= 3, 'watched with 410');
    await waitFor(() => h.server.requests.count({ path: PODS, watch: false }) >= 3, 'relist failed');
    expect(h.source.synced()).toBe(false);
    expect(h.readiness.filter(([synced]) => synced)).toHaveLength(1);

    h.server.clearFailures();
    await waitFor(() => h.source.synced(), 'relisted');
    expect(h.readiness.at(-1)).toEqual([true, 'listed 0 objects']);
    expect(h.store.pod('team-a', 'p1')).toBeUndefined();
  });
});

describe('cluster source: watch requests without response headers', () => {
  it('given no headers, aborts the request after listTimeoutMs and unsyncs after unsyncedAfterMs', async () => {
    const h = await startPods({ timing: { listTimeoutMs: 200, unsyncedAfterMs: 300 } });
    h.server.pauseWatches();
    h.server.endWatches();
    await waitFor(() => h.server.openWatches() === 0, 'first watch ended');
    // The first watch's end was too short (a failure); the next one never gets headers.
    await waitFor(() => (h.source.status().Pod?.restarts ?? 0) >= 2, 'watch request given up', 2_000);
    expect(h.source.status().Pod?.lastError).toBe(`WATCH ${PODS}: no response headers after 200 ms`);
    await waitFor(() => !h.source.synced(), 'unsynced', 3_000);
  });

  it('given a watch request still waiting for headers, stop() returns at once', async () => {
    const h = await startPods();
    h.server.pauseWatches();
    h.server.dropWatches();
    await waitFor(() => h.server.requests.count({ path: PODS, watch: true }) >= 2, 'watch re-requested');
    await delay(50);
    const startedAt = Date.now();
    await h.source.stop();
    expect(Date.now() - startedAt).toBeLessThan(500);
  });
});
