import type { IncomingMessage, ServerResponse } from 'node:http';
import { rawNamespace, rawPod } from '@corral/cluster';
import { startFakeApiServer, type FakeApiServer } from '../fake-apiserver/index.js';
import { startClusterReplica, type ClusterReplica } from './support-cluster.js';

const STATUS_PATH = '/apis/corral.dev/v1alpha1/departments/team/status';
const LEASE_PATH =
  '/apis/coordination.k8s.io/v1/namespaces/corral-system/leases/corral-admission-status-writer';

describe('Department status is written by the leader only (two replicas, fake API server)', () => {
  let api: FakeApiServer;
  /** Status writes with these Authorization headers fail (500): the status stays stale for everyone. */
  const refused = new Set<string>();
  beforeAll(async () => {
    api = await startFakeApiServer({
      extra: (req: IncomingMessage, res: ServerResponse, url: URL) => {
        if (req.method !== 'PATCH' || url.pathname !== STATUS_PATH) return false;
        if (!refused.has(req.headers.authorization ?? '')) return false;
        req.resume();
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end('{"kind":"Status","apiVersion":"v1","status":"Failure","code":500}');
        return true;
      },
    });
    api.upsert(rawNamespace('team-a', { 'corral.dev/department': 'team' }) as never);
    api.upsert({
      apiVersion: 'corral.dev/v1alpha1',
      kind: 'Department',
      metadata: { name: 'team' },
      spec: {},
    } as never);
  });
  afterAll(async () => api.close());

  const statusWriters = (since = 0) =>
    new Set(
      api.requests
        .all({ path: STATUS_PATH })
        .filter((r) => r.method === 'PATCH' && r.at >= since)
        .map((r) => r.authorization),
    );
  const leaseWriters = (since: number) =>
    new Set(
      api.requests
        .all({ path: LEASE_PATH })
        .filter((r) => r.method !== 'GET' && r.at >= since)
        .map((r) => r.authorization),
    );

  it('given two replicas, one holds the Lease and writes; when it stops, the other takes over and writes', async () => {
    const replicas = await Promise.all([
      startClusterReplica(api, 'replica-a'),
      startClusterReplica(api, 'replica-b'),
    ]);
    const running = new Set<ClusterReplica>(replicas);
    try {
      // The new leader flushes at once: the Department had no status.
      await vi.waitFor(() => expect(statusWriters().size).toBe(1), { timeout: 10_000, interval: 50 });
      const [leaderAuth] = [...statusWriters()];
      const leader = replicas.find((r) => r.authorization === leaderAuth);
      const follower = replicas.find((r) => r !== leader);
      if (!leader || !follower) throw new Error('no leader');
      // A change both snapshots see, whose status write keeps failing for the leader: the status stays
      // stale, yet the follower must not write it (its writer runs only while it leads).
      refused.add(leader.authorization);
      const checkedAt = Date.now();
      api.upsert(rawPod('team-a', 'p0', { requests: { cpu: '1' } }) as never);
      await vi.waitFor(
        () => expect(api.requests.all({ path: STATUS_PATH }).some((r) => r.at > checkedAt)).toBe(true),
        {
          timeout: 8_000,
          interval: 100,
        },
      );
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      refused.clear();
      expect(leaseWriters(checkedAt)).toEqual(new Set([leader.authorization]));
      expect(statusWriters()).toEqual(new Set([leader.authorization]));

      const stoppedAt = Date.now();
      running.delete(leader);
      await leader.running.stop();
      // The stopped leader released the Lease: the follower takes it at its next retry (2 s + jitter).
      await vi.waitFor(() => expect(leaseWriters(stoppedAt).has(follower.authorization)).toBe(true), {
        timeout: 4_000,
        interval: 50,
      });
      // A change the new leader must write: a pod in the department.
      api.upsert(rawPod('team-a', 'p1', { requests: { cpu: '1' } }) as never);
      await vi.waitFor(() => expect(statusWriters(stoppedAt)).toEqual(new Set([follower.authorization])), {
        timeout: 10_000,
        interval: 100,
      });
      const department = (await (
        await fetch(`${api.url}/apis/corral.dev/v1alpha1/departments/team`)
      ).json()) as {
        status?: { namespaces?: string[] };
      };
      expect(department.status?.namespaces).toEqual(['team-a']);
    } finally {
      await Promise.all([...running].map((r) => r.running.stop()));
    }
  }, 30_000);
});
