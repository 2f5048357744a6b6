import type { IncomingMessage, ServerResponse } from 'node:http';
import { createLeaderElector, type LeaderElector } from '@corral/runtime';
import { CoordinationV1Api } from '@kubernetes/client-node';
import { fakeKubeConfig, startFakeApiServer, type FakeApiServer } from '../fake-apiserver/index.js';

const LEASE = { name: 'corral-admission-status-writer', namespace: 'corral-system' };
const LEASE_PATH = `/apis/coordination.k8s.io/v1/namespaces/${LEASE.namespace}/leases/${LEASE.name}`;
// Short timings for real time; the margin between the renew deadline and the lease duration (1.5 s)
// is what keeps two leaders apart even when timers fire late on a busy machine.
const TIMINGS = { leaseDurationMs: 3_000, renewDeadlineMs: 1_500, retryPeriodMs: 250 };

/** Requests carrying a token in `broken` get HTTP 500, as if that replica lost the API. */
function partition() {
  const broken = new Set<string>();
  const extra = (req: IncomingMessage, res: ServerResponse): boolean => {
    const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    if (!broken.has(token)) return false;
    req.resume();
    res.writeHead(500, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 500 }));
    return true;
  };
  return { broken, extra };
}

/** Leadership changes of all electors in callback order, with the wall time. */
function leadership() {
  const leaders = new Set<string>();
  const timeline: { at: number; id: string; event: 'start' | 'stop' }[] = [];
  let max = 0;
  return {
    leaders,
    timeline,
    max: () => max,
    first: (id: string, event: 'start' | 'stop') => timeline.find((t) => t.id === id && t.event === event),
    callbacks: (id: string) => ({
      onStartedLeading: () => {
        leaders.add(id);
        max = Math.max(max, leaders.size);
        timeline.push({ at: Date.now(), id, event: 'start' });
      },
      onStoppedLeading: () => {
        leaders.delete(id);
        timeline.push({ at: Date.now(), id, event: 'stop' });
      },
    }),
  };
}

describe('leader election against the fake API server', () => {
  let api: FakeApiServer;
  let net: ReturnType<typeof partition>;
  let seen: ReturnType<typeof leadership>;
  const electors: LeaderElector[] = [];
  beforeEach(async () => {
    net = partition();
    api = await startFakeApiServer({ extra: net.extra });
    seen = leadership();
  });
  afterEach(async () => {
    net.broken.clear();
    api.clearFailures();
    await Promise.all(electors.splice(0).map((e) => e.stop()));
    await api.close();
  });

  const elector = (id: string) => {
    const made = createLeaderElector({
      api: fakeKubeConfig(api.url, id).makeApiClient(CoordinationV1Api),
      ...LEASE,
      identity: id,
      ...TIMINGS,
      ...seen.callbacks(id),
    });
    electors.push(made);
    made.start();
    return made;
  };
  const lease = () =>
    fakeKubeConfig(api.url, 'reader')
      .makeApiClient(CoordinationV1Api)
      .readNamespacedLease(LEASE)
      .then((l) => l.spec);
  const leaderNow = () => [...seen.leaders][0];

  it('given two replicas, exactly one leads; the Lease names it with MicroTime stamps', async () => {
    elector('a');
    elector('b');
    await vi.waitFor(() => expect(seen.leaders.size).toBe(1), { timeout: 3_000, interval: 20 });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(seen.max()).toBe(1);
    const spec = await lease();
    expect(spec?.holderIdentity).toBe(leaderNow());
    expect(spec?.leaseDurationSeconds).toBe(3);
    expect(String(spec?.renewTime)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    // Only the leader writes; the follower only reads.
    const writers = new Set(
      api.requests
        .all({ path: LEASE_PATH })
        .filter((r) => r.method === 'PUT')
        .map((r) => r.authorization),
    );
    expect([...writers]).toEqual([`Bearer ${leaderNow() ?? ''}`]);
  });

  it('given the leader stops, it releases the Lease and the other takes over well within the lease duration', async () => {
    const a = elector('a');
    await vi.waitFor(() => expect(a.isLeader()).toBe(true), { timeout: 3_000, interval: 20 });
    const b = elector('b');
    await vi.waitFor(() => expect(b.leader()).toBe('a'), { timeout: 3_000, interval: 20 });
    const stoppedAt = Date.now();
    await a.stop();
    await vi.waitFor(() => expect(b.isLeader()).toBe(true), { timeout: 3_000, interval: 10 });
    expect(Date.now() - stoppedAt).toBeLessThan(1_500);
    expect(await lease()).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
    expect(seen.max()).toBe(1);
  });

  it('given the API fails for the leader only, it steps down before the other takes over', async () => {
    const a = elector('a');
    await vi.waitFor(() => expect(a.isLeader()).toBe(true), { timeout: 3_000, interval: 20 });
    const b = elector('b');
    await vi.waitFor(() => expect(b.leader()).toBe('a'), { timeout: 3_000, interval: 20 });
    net.broken.add('a');
    const cutAt = Date.now();
    await vi.waitFor(() => expect(b.isLeader()).toBe(true), { timeout: 6_000, interval: 20 });
    const aStopped = seen.first('a', 'stop');
    const bStarted = seen.first('b', 'start');
    expect(aStopped).toBeDefined();
    expect((aStopped?.at ?? Infinity) <= (bStarted?.at ?? 0)).toBe(true);
    expect((aStopped?.at ?? 0) - cutAt).toBeLessThanOrEqual(TIMINGS.renewDeadlineMs + 300);
    // b must have seen a's last renewal unchanged for a whole lease duration.
    expect((bStarted?.at ?? 0) - cutAt).toBeGreaterThanOrEqual(
      TIMINGS.leaseDurationMs - TIMINGS.retryPeriodMs,
    );
    expect(seen.max()).toBe(1);
    net.broken.delete('a');
    // Back on the API, a reads the Lease again and follows b.
    await vi.waitFor(() => expect(a.leader()).toBe('b'), { timeout: 3_000, interval: 20 });
    expect(a.isLeader()).toBe(false);
    expect(seen.max()).toBe(1);
  });

  it('given the API fails for everyone (failNext), the leader steps down and leadership resumes after', async () => {
    const a = elector('a');
    elector('b');
    await vi.waitFor(() => expect(seen.leaders.size).toBe(1), { timeout: 3_000, interval: 20 });
    api.failNext(10_000, { path: LEASE_PATH });
    await vi.waitFor(() => expect(seen.leaders.size).toBe(0), { timeout: 3_000, interval: 20 });
    api.clearFailures();
    await vi.waitFor(() => expect(seen.leaders.size).toBe(1), { timeout: 6_000, interval: 20 });
    expect(seen.max()).toBe(1);
    expect(a.leader()).toBe(leaderNow());
  });

  it('given three replicas and the API failing on and off for each, never two leaders at once', async () => {
    const ids = ['a', 'b', 'c'];
    for (const id of ids) elector(id);
    let state = 42;
    const pick = (n: number) => (state = (state * 48271) % 2147483647) % n;
    const until = Date.now() + 8_000;
    while (Date.now() < until) {
      const id = ids[pick(3)] ?? 'a';
      if (net.broken.has(id)) net.broken.delete(id);
      else if (net.broken.size < 2) net.broken.add(id);
      await new Promise((resolve) => setTimeout(resolve, 200 + pick(1_500)));
      expect(seen.max()).toBe(1);
    }
    net.broken.clear();
    await vi.waitFor(() => expect(seen.leaders.size).toBe(1), { timeout: 6_000, interval: 20 });
    expect(seen.max()).toBe(1);
    expect(seen.timeline.filter((t) => t.event === 'start').length).toBeGreaterThan(1);
  }, 30_000);
});
