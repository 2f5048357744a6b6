import { Registry } from 'prom-client';
import { ConfigError } from '../errors.js';
import { createLogger } from '../log/create-logger.js';
import { memoryDestination } from '../log/memory-destination.js';
import { ManualClock } from './__fixtures__/manual-clock.js';
import { MemoryLeases } from './__fixtures__/memory-leases.js';
import type { Clock } from './clock.js';
import type { LeaderElectionOptions } from './elector-options.js';
import { createLeaderElector, type LeaderElector } from './leader-elector.js';

const LEASE = { name: 'corral-test', namespace: 'corral-system' } as const;

interface Replica {
  readonly id: string;
  readonly elector: LeaderElector;
  readonly log: string[];
}

/** A recorder of leadership changes in callback order, shared by all replicas of one test. */
function leadership(clock: ManualClock) {
  const leaders = new Set<string>();
  const timeline: { at: number; id: string; event: 'start' | 'stop' }[] = [];
  let maxConcurrent = 0;
  return {
    leaders,
    timeline,
    maxConcurrent: () => maxConcurrent,
    started(id: string) {
      leaders.add(id);
      maxConcurrent = Math.max(maxConcurrent, leaders.size);
      timeline.push({ at: clock.now(), id, event: 'start' });
    },
    stopped(id: string) {
      leaders.delete(id);
      timeline.push({ at: clock.now(), id, event: 'stop' });
    },
  };
}

function setup(seed = 1) {
  const clock = new ManualClock();
  const leases = new MemoryLeases(clock);
  const seen = leadership(clock);
  let state = seed;
  const random = () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
  const replica = (id: string, extra: Partial<LeaderElectionOptions> & { clock?: Clock } = {}): Replica => {
    const log: string[] = [];
    const elector = createLeaderElector({
      api: leases.client(id),
      ...LEASE,
      identity: id,
      clock,
      random,
      onStartedLeading: () => {
        log.push('started');
        seen.started(id);
      },
      onStoppedLeading: (reason) => {
        log.push(`stopped: ${reason}`);
        seen.stopped(id);
      },
      onNewLeader: (leader) => log.push(`leader ${leader}`),
      ...extra,
    });
    return { id, elector, log };
  };
  return { clock, leases, seen, replica };
}

const holder = (leases: MemoryLeases) => leases.get(LEASE.namespace, LEASE.name)?.spec?.holderIdentity;

describe('leader election on a Lease', () => {
  it('given one replica, creates the Lease holding it, leads, and renews every retry period', async () => {
    const { clock, leases, replica } = setup();
    const registry = new Registry();
    const a = replica('a', { registry });
    a.elector.start();
    await clock.advance(0);
    expect(a.elector.isLeader()).toBe(true);
    expect(a.log).toEqual(['leader a', 'started']);
    const created = leases.get(LEASE.namespace, LEASE.name);
    expect(created?.spec).toMatchObject({
      holderIdentity: 'a',
      leaseDurationSeconds: 15,
      leaseTransitions: 0,
    });
    expect(created?.spec?.renewTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    const metric = await registry.getSingleMetric('corral_leader_is_leader')?.get();
    expect(metric?.values).toEqual([{ labels: { lease: 'corral-system/corral-test' }, value: 1 }]);
    await clock.advance(10_000);
    const updates = leases.history.filter((h) => h.verb === 'update');
    expect(updates).toHaveLength(5);
    expect(new Set(updates.map((u) => String(u.lease.spec?.renewTime))).size).toBe(5);
    expect(new Set(updates.map((u) => String(u.lease.spec?.acquireTime)))).toEqual(
      new Set([String(created?.spec?.acquireTime)]),
    );
    expect(a.elector.isLeader()).toBe(true);
    await a.elector.stop();
    expect((await registry.getSingleMetric('corral_leader_is_leader')?.get())?.values[0]?.value).toBe(0);
  });

  it('given two replicas, exactly one leads and the other learns who', async () => {
    const { clock, seen, replica } = setup();
    const a = replica('a');
    const b = replica('b');
    a.elector.start();
    b.elector.start();
    await clock.advance(30_000);
    expect(seen.leaders.size).toBe(1);
    expect(seen.maxConcurrent()).toBe(1);
    const [leader] = [...seen.leaders];
    const follower = leader === 'a' ? b : a;
    expect(follower.elector.isLeader()).toBe(false);
    expect(follower.elector.leader()).toBe(leader);
    expect(follower.log).toEqual([`leader ${leader ?? ''}`]);
  });

  it('given the leader stops, it releases the Lease and the other takes over within a retry period', async () => {
    const { clock, leases, seen, replica } = setup();
    const a = replica('a');
    a.elector.start();
    await clock.advance(0);
    const b = replica('b');
    b.elector.start();
    await clock.advance(5_000);
    expect(holder(leases)).toBe('a');
    await a.elector.stop();
    expect(a.log.at(-1)).toBe('stopped: stopping');
    expect(leases.get(LEASE.namespace, LEASE.name)?.spec).toMatchObject({
      holderIdentity: '',
      leaseDurationSeconds: 1,
    });
    const releasedAt = clock.now();
    await clock.advance(2_400);
    expect(b.elector.isLeader()).toBe(true);
    expect(seen.timeline.at(-1)).toEqual({ at: expect.any(Number), id: 'b', event: 'start' });
    expect((seen.timeline.at(-1)?.at ?? 0) - releasedAt).toBeLessThanOrEqual(2_400);
    expect(leases.get(LEASE.namespace, LEASE.name)?.spec?.leaseTransitions).toBe(1);
    expect(seen.maxConcurrent()).toBe(1);
  });

  it('given the API fails for the leader, it steps down before the other can take over', async () => {
    const { clock, leases, seen, replica } = setup();
    const a = replica('a');
    a.elector.start();
    await clock.advance(0);
    const b = replica('b');
    b.elector.start();
    await clock.advance(4_000);
    const lastRenewal = leases.history.filter((h) => h.client === 'a').at(-1);
    leases.control('a').failWith = 500;
    await clock.advance(30_000);
    const aStopped = seen.timeline.find((t) => t.id === 'a' && t.event === 'stop');
    const bStarted = seen.timeline.find((t) => t.id === 'b' && t.event === 'start');
    expect(a.log).toContain('stopped: no renewal succeeded within the renew deadline');
    expect(aStopped && bStarted && aStopped.at < bStarted.at).toBe(true);
    const renewedAt = Date.parse(String(lastRenewal?.lease.spec?.renewTime));
    expect((aStopped?.at ?? 0) - renewedAt).toBeLessThanOrEqual(10_000);
    expect((bStarted?.at ?? 0) - renewedAt).toBeGreaterThanOrEqual(15_000);
    expect(seen.maxConcurrent()).toBe(1);
    // When the API answers again, the old leader sees the new holder and stays a follower.
    leases.control('a').failWith = undefined;
    await clock.advance(10_000);
    expect(a.elector.isLeader()).toBe(false);
    expect(a.elector.leader()).toBe('b');
  });

  it('given a candidate whose clock is a day off, it still waits a full lease duration from its own observation', async () => {
    const { clock, leases, seen, replica } = setup();
    const a = replica('a', { clock: clock.skewed(-86_400_000) });
    a.elector.start();
    await clock.advance(0);
    const b = replica('b', { clock: clock.skewed(86_400_000) });
    b.elector.start();
    await clock.advance(60_000);
    expect(holder(leases)).toBe('a');
    expect(b.elector.isLeader()).toBe(false);
    leases.control('a').failWith = 503;
    const failedAt = clock.now();
    await clock.advance(14_000);
    expect(b.elector.isLeader()).toBe(false);
    await clock.advance(10_000);
    expect(b.elector.isLeader()).toBe(true);
    const bStarted = seen.timeline.find((t) => t.id === 'b' && t.event === 'start');
    expect((bStarted?.at ?? 0) - failedAt).toBeGreaterThanOrEqual(13_000);
    expect(seen.maxConcurrent()).toBe(1);
  });

  it('given a Lease held by another whose renewals stop, takes it over after the duration with one more transition', async () => {
    const { clock, leases, replica } = setup();
    const ghost = replica('ghost');
    ghost.elector.start();
    await clock.advance(0);
    leases.control('ghost').failWith = 500;
    const b = replica('b');
    b.elector.start();
    await clock.advance(14_000);
    expect(b.elector.isLeader()).toBe(false);
    await clock.advance(4_000);
    expect(b.elector.isLeader()).toBe(true);
    expect(leases.get(LEASE.namespace, LEASE.name)?.spec).toMatchObject({
      holderIdentity: 'b',
      leaseTransitions: 1,
    });
    await ghost.elector.stop();
    expect(holder(leases)).toBe('b');
  });

  it('given a callback that throws, keeps electing and logs it', async () => {
    const { clock, leases, replica } = setup();
    const logs = memoryDestination();
    const a = replica('a', {
      onStartedLeading: () => {
        throw new Error('boom');
      },
      logger: createLogger({ level: 'info', name: 't', destination: logs.stream }),
    });
    a.elector.start();
    await clock.advance(6_000);
    expect(a.elector.isLeader()).toBe(true);
    expect(logs.lines.filter((l) => l['msg'] === 'leader election callback threw')).toEqual([
      expect.objectContaining({
        level: 'error',
        callback: 'onStartedLeading',
        err: expect.objectContaining({ message: 'boom' }),
      }),
    ]);
    // Keeps electing: it goes on renewing the Lease it holds, every retry period.
    const renewals = () => leases.history.filter((h) => h.verb === 'update').length;
    const before = renewals();
    await clock.advance(10_000);
    expect(renewals() - before).toBe(5);
    expect(holder(leases)).toBe('a');
    expect(a.elector.isLeader()).toBe(true);
    await a.elector.stop();
  });

  it('given renewals slower than the renew deadline, never claims to lead', async () => {
    const { clock, leases, replica } = setup();
    leases.control('slow').latencyMs = 6_000;
    const slow = replica('slow');
    slow.elector.start();
    await clock.advance(60_000);
    expect(holder(leases)).toBe('slow');
    expect(slow.log).not.toContain('started');
  });

  it.each([
    ['a renew deadline not below the lease duration', { leaseDurationMs: 10_000, renewDeadlineMs: 10_000 }],
    ['a retry period too close to the renew deadline', { renewDeadlineMs: 2_000, retryPeriodMs: 2_000 }],
    ['a lease duration in fractions of a second', { leaseDurationMs: 15_500 }],
    ['an empty name', { name: '' }],
  ])('given %s, refuses with a ConfigError', (_name, bad) => {
    const { leases } = setup();
    expect(() => createLeaderElector({ api: leases.client('x'), ...LEASE, ...bad })).toThrow(ConfigError);
  });
});

describe('leader election over a random schedule', () => {
  it.each(Array.from({ length: 16 }, (_, i) => i + 1))(
    'given seed %i (three replicas, failures, slow calls, restarts, skewed clocks), never two leaders at once',
    async (seed) => {
      const { clock, leases, seen, replica } = setup(seed);
      let state = seed * 7919;
      const pick = (n: number) => {
        state = (state * 48271) % 2147483647;
        return state % n;
      };
      const ids = ['a', 'b', 'c'];
      const replicas = new Map(
        ids.map((id) => [id, replica(id, { clock: clock.skewed((pick(7) - 3) * 3_600_000) })]),
      );
      for (const r of replicas.values()) r.elector.start();
      let generation = 0;
      const stopping: Promise<void>[] = [];
      for (let step = 0; step < 300; step += 1) {
        const id = ids[pick(3)] ?? 'a';
        const control = leases.control(id);
        const action = pick(10);
        if (action < 3) control.failWith = control.failWith === undefined ? 500 : undefined;
        if (action === 3) control.latencyMs = [0, 300, 1_500, 4_000][pick(4)] ?? 0;
        if (action === 4) {
          // stop() waits for an in-flight (possibly slow) call; time moves on meanwhile.
          const current = replicas.get(id);
          if (current) stopping.push(current.elector.stop());
          generation += 1;
          const next = replica(`${id}`, { identity: `${id}-${generation}` });
          replicas.set(id, next);
          next.elector.start();
        }
        await clock.advance(200 + pick(3_000));
        expect(seen.maxConcurrent()).toBe(1);
      }
      for (const id of ids) leases.control(id).failWith = undefined;
      for (const id of ids) leases.control(id).latencyMs = 0;
      await clock.advance(40_000);
      await Promise.all(stopping);
      expect(seen.leaders.size).toBe(1);
      expect(seen.maxConcurrent()).toBe(1);
      expect(leases.history.length).toBeGreaterThan(10);
    },
  );
});
