import { LEASE, replicaOptions, seededRandom } from './__fixtures__/lease-replicas.js';
import { ManualClock } from './__fixtures__/manual-clock.js';
import { MemoryLeases } from './__fixtures__/memory-leases.js';
import { createLeaderElector } from './leader-elector.js';

/** Replicas on one hand-driven timeline, recording how many lead at once. */
function setup(seed: number) {
  const clock = new ManualClock();
  const leases = new MemoryLeases(clock);
  const leaders = new Set<string>();
  let maxConcurrent = 0;
  const random = seededRandom(seed);
  const replica = (id: string) => {
    const elector = createLeaderElector({
      ...replicaOptions(leases, id, clock, random),
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

/** `setup(seed)` with replica a leading and b following, `ms` after b started. */
async function leaderAndFollower(seed: number, ms: number) {
  const world = setup(seed);
  const a = world.replica('a');
  await world.clock.advance(0);
  const b = world.replica('b');
  await world.clock.advance(ms);
  return { ...world, a, b };
}

const seeds = Array.from({ length: 12 }, (_, i) => i + 1);

describe('leader election when the Lease is deleted or edited by hand', () => {
  it.each(seeds)(
    'given the Lease deleted while one leads and another follows (seed %i), never two leaders and the leader keeps it',
    async (seed) => {
      const { a, clock, leases, leaders, maxConcurrent } = await leaderAndFollower(seed, 5_000 + seed * 137);
      expect([...leaders]).toEqual(['a']);
      leases.delete(LEASE.namespace, LEASE.name);
      await clock.advance(30_000);
      expect(maxConcurrent()).toBe(1);
      expect(a.isLeader()).toBe(true);
      expect(leases.get(LEASE.namespace, LEASE.name)?.spec?.holderIdentity).toBe('a');
    },
  );

  it('given the Lease deleted and its leader gone, another creates it after a lease duration', async () => {
    const { b, clock, leases, leaders } = await leaderAndFollower(1, 5_000);
    leases.control('a').failWith = 500;
    leases.delete(LEASE.namespace, LEASE.name);
    await clock.advance(20_000);
    expect(b.isLeader()).toBe(true);
    expect([...leaders]).toEqual(['b']);
  });

  it.each(seeds)(
    'given the lease duration edited down to 1 s while one leads (seed %i), the follower does not take over',
    async (seed) => {
      const { a, clock, leases, leaders, maxConcurrent } = await leaderAndFollower(seed, 5_000 + seed * 137);
      leases.control('a').latencyMs = 1_500;
      leases.edit(LEASE.namespace, LEASE.name, { leaseDurationSeconds: 1 });
      await clock.advance(20_000);
      expect(maxConcurrent()).toBe(1);
      expect(a.isLeader()).toBe(true);
      expect([...leaders]).toEqual(['a']);
    },
  );

  it('given the holder edited to someone else, the leader steps down at once and one replica takes over after a duration', async () => {
    const { a, clock, leases, leaders, maxConcurrent } = await leaderAndFollower(3, 5_000);
    leases.edit(LEASE.namespace, LEASE.name, { holderIdentity: 'someone-else' });
    await clock.advance(2_500);
    expect(a.isLeader()).toBe(false);
    expect(leaders.size).toBe(0);
    await clock.advance(20_000);
    expect(leaders.size).toBe(1);
    expect(maxConcurrent()).toBe(1);
  });
});
