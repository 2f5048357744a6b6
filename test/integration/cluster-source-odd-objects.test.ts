import type { ClusterSourceOptions } from '../../packages/cluster/src/sources/cluster/index.js';
import type { FakeApiServer, KubeObject } from './fake-apiserver/index.js';
import { clusterSourceHarness, PODS, teamPod, type SourceHarness } from './cluster-source-harness.js';
import { waitFor } from '../support/wait-for.js';

/**
 * What the API server may hand the cluster source that is not a clean object: events of odd shape,
 * and policy objects that pass the CRD schema but not Corral's checks. Neither may crash the cache,
 * stop the watch or drop the enforcement of the objects that are fine.
 */

const department = (name: string, spec: Record<string, unknown>): KubeObject => ({
  apiVersion: 'corral.dev/v1alpha1',
  kind: 'Department',
  metadata: { name },
  spec,
});

/** In needs values: a mistake the CRD's OpenAPI schema lets through and Corral's checks refuse. */
const brokenSelector = { namespaceSelector: { matchExpressions: [{ key: 'team', operator: 'In' }] } };

const startSource = clusterSourceHarness();

async function start(
  seed: (server: FakeApiServer) => void,
  kinds: ClusterSourceOptions['kinds'],
): Promise<SourceHarness> {
  const h = await startSource({ seed, source: kinds ? { kinds } : {} });
  const watching = kinds?.length ?? 6;
  await waitFor(() => h.source.synced() && h.server.openWatches() === watching, 'synced', 5_000);
  return h;
}

describe('cluster source: odd events and broken policy objects', () => {
  it('given events without object or metadata, or a Status in ADDED, reports them and keeps watching', async () => {
    const h = await start((server) => server.upsert(teamPod('p1')), ['Pod']);
    const rv = h.source.status().Pod?.resourceVersion;
    h.server.emit(PODS, 'ADDED', undefined);
    h.server.emit(PODS, 'MODIFIED', { kind: 'Pod', apiVersion: 'v1' });
    h.server.emit(PODS, 'ADDED', {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      code: 500,
    });
    h.server.emit(PODS, 'DELETED', {
      kind: 'Pod',
      apiVersion: 'v1',
      metadata: { name: 'ghost', namespace: 'team-a' },
    });
    h.server.emit(PODS, 'SOMETHING', { kind: 'Pod' });
    h.server.upsert(teamPod('p2'));
    await waitFor(() => h.store.pod('team-a', 'p2') !== undefined, 'p2 after the odd events');
    expect(h.store.pod('team-a', 'p1')).toBeDefined();
    expect(h.store.problems()).toContainEqual(expect.objectContaining({ kind: 'Pod', name: '(unnamed)' }));
    expect(h.source.status().Pod).toMatchObject({ restarts: 0, synced: true });
    expect(h.source.status().Pod?.resourceVersion).not.toBe(rv);
    expect(h.server.requests.count({ path: PODS, watch: false })).toBe(1);
  });

  it('given a Department the CRD schema let through but Corral refuses, reports it and enforces the others', async () => {
    const h = await start(
      (server) => {
        server.upsert(department('finance', { nodeIsolation: 'dedicated' }));
        server.upsert(department('broken', brokenSelector));
      },
      ['Department'],
    );
    expect(h.store.department('finance')?.spec.nodeIsolation).toBe('dedicated');
    expect(h.store.department('broken')).toBeUndefined();
    expect(h.store.problems()).toContainEqual(
      expect.objectContaining({ kind: 'Department', name: 'broken' }),
    );

    // A broken edit of a served Department keeps its last good version, through a relist too.
    h.server.upsert(department('finance', { nodeIsolation: 'shared', ...brokenSelector }));
    await waitFor(() => h.store.problems().some((p) => p.name === 'finance'), 'the broken edit reported');
    expect(h.store.department('finance')?.spec.nodeIsolation).toBe('dedicated');
    h.server.expireOpenWatches();
    await waitFor(() => h.server.requests.count({ watch: false }) === 2, 'relisted after 410');
    await waitFor(() => h.server.openWatches() === 1, 'watching again');
    expect(h.store.department('finance')?.spec.nodeIsolation).toBe('dedicated');
    expect(
      h.store
        .problems()
        .map((p) => p.name)
        .sort(),
    ).toEqual(['broken', 'finance']);

    h.server.upsert(department('finance', { nodeIsolation: 'shared' }));
    await waitFor(() => h.store.department('finance')?.spec.nodeIsolation === 'shared', 'the fix applied');
    expect(h.store.problems().map((p) => p.name)).toEqual(['broken']);
  });
});
