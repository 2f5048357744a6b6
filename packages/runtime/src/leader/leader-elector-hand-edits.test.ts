import { ManualClock } from './__fixtures__/manual-clock.js';
import { MemoryLeases } from './__fixtures__/memory-leases.js';
import { createLeaderElector } from './leader-elector.js';

const LEASE = { name: 'corral-test', namespace: 'corral-system' } as const;

/** Replicas on one hand-driven timeline, recording how many lead at once. */
function setup(seed: number) {
  const clock = new ManualClock();
  const leases = new MemoryLeases(clock);
  const leaders = new Set<string>();
  let maxConcurrent = 0;
  let state = seed;
  const random = () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
  const replica = (id: string) => {
    const elector = createLeaderElector({
      api: leases.client(id),
      ...LEASE,
      identity: id,
      clock,
      random,
      onStartedLeading: () => {
        leaders.add(id);
        maxConcurrent = Math.max(maxConcurrent, leaders.size);
      },
      onStoppedLeading: () => leaders.delete(id),
    });
    elector.start();
    return elector;
  };
  return { clock, leases, leaders, replica, maxConcurrent: () => maxConcurrent };
}

const seeds = Array.from({ length: 12 }, (_, i) => i + 1);

describe('leader election when the Lease is deleted or edited by hand', () => {
  it.each(seeds)(
    'given the Lease deleted while one leads and another follows (seed %i), never two leaders and the leader keeps it',
    async (seed) => {
      const { clock, leases, leaders, replica, maxConcurrent } = setup(seed);
      const a = replica('a');
      await clock.advance(0);
      replica('b');
      await clock.advance(5_000 + seed * 137);
      expect([...leaders]).toEqual(['a']);
      leases.delete(LEASE.namespace, LEASE.name);
      await clock.advance(30_000);
      expect(maxConcurrent()).toBe(1);
      expect(a.isLeader()).toBe(true);
      expect(leases.get(LEASE.namespace, LEASE.name)?.spec?.holderIdentity).toBe('a');
    },
  );

  it('given the Lease deleted and its leader gone, another creates it after a lease duration', async () => {
    const { clock, leases, leaders, replica } = setup(1);
    replica('a');
    await clock.advance(0);
    const b = replica('b');
    await clock.advance(5_000);
    leases.control('a').failWith = 500;
    leases.delete(LEASE.namespace, LEASE.name);
    await clock.advance(20_000);
    expect(b.isLeader()).toBe(true);
    expect([...leaders]).toEqual(['b']);
  });

  it.each(seeds)(
    'given the lease duration edited down to 1 s while one leads (seed %i), the follower does not take over',
    async (seed) => {
      const { clock, leases, leaders, replica, maxConcurrent } = setup(seed);
      const a = replica('a');
      await clock.advance(0);
      replica('b');
      await clock.advance(5_000 + seed * 137);
      leases.control('a').latencyMs = 1_500;
      leases.edit(LEASE.namespace, LEASE.name, { leaseDurationSeconds: 1 });
      await clock.advance(20_000);
      expect(maxConcurrent()).toBe(1);
      expect(a.isLeader()).toBe(true);
      expect([...leaders]).toEqual(['a']);
    },
  );

  it('given the holder edited to someone else, the leader steps down at once and one replica takes over after a duration', async () => {
    const { clock, leases, leaders, replica, maxConcurrent } = setup(3);
    const a = replica('a');
    await clock.advance(0);
    replica('b');
    await clock.advance(5_000);
    leases.edit(LEASE.namespace, LEASE.name, { holderIdentity: 'someone-else' });
    await clock.advance(2_500);
    expect(a.isLeader()).toBe(false);
    expect(leaders.size).toBe(0);
    await clock.advance(20_000);
    expect(leaders.size).toBe(1);
    expect(maxConcurrent()).toBe(1);
  });
});
