import { ManualClock } from './__fixtures__/manual-clock.js';
import { MemoryLeases } from './__fixtures__/memory-leases.js';
import type { Clock } from './clock.js';
import type { LeaseApi } from './lease-client.js';
import { createLeaderElector } from './leader-elector.js';

const LEASE = { name: 'corral-test', namespace: 'corral-system' } as const;
const HOUR = 3_600_000;

/** Two replicas on one hand-driven timeline; `seen` records who leads, in callback order. */
function setup() {
  const clock = new ManualClock();
  const leases = new MemoryLeases(clock);
  const leaders = new Set<string>();
  const timeline: { at: number; id: string; event: 'start' | 'stop' }[] = [];
  let maxConcurrent = 0;
  const replica = (id: string, replicaClock: Clock, api: LeaseApi = leases.client(id)) => {
    const elector = createLeaderElector({
      api,
      ...LEASE,
      identity: id,
      clock: replicaClock,
      random: () => 0.5,
      onStartedLeading: () => {
        leaders.add(id);
        maxConcurrent = Math.max(maxConcurrent, leaders.size);
        timeline.push({ at: clock.now(), id, event: 'start' });
      },
      onStoppedLeading: () => {
        leaders.delete(id);
        timeline.push({ at: clock.now(), id, event: 'stop' });
      },
    });
    elector.start();
    return elector;
  };
  return { clock, leases, leaders, timeline, maxConcurrent: () => maxConcurrent, replica };
}

async function stopBoth(clock: ManualClock, ...electors: { stop(): Promise<void> }[]) {
  const stopped = Promise.all(electors.map((e) => e.stop()));
  await clock.advance(10_000);
  await stopped;
}

describe('leader election when a wall clock is stepped', () => {
  it('given a candidate whose clock jumps an hour ahead, does not take over a Lease that is being renewed', async () => {
    const { clock, leases, leaders, replica, maxConcurrent } = setup();
    // The leader's renewals are slow (each call 2.5 s), so the candidate reads one version several times.
    leases.control('a').latencyMs = 2_500;
    const a = replica('a', clock);
    await clock.advance(6_000);
    expect(a.isLeader()).toBe(true);
    const bClock = clock.jumpable();
    const b = replica('b', bClock);
    await clock.advance(3_000);
    bClock.jump(HOUR);
    await clock.advance(20_000);
    expect(a.isLeader()).toBe(true);
    expect(b.isLeader()).toBe(false);
    expect([...leaders]).toEqual(['a']);
    expect(maxConcurrent()).toBe(1);
    await stopBoth(clock, a, b);
  });

  it('given a leader whose clock jumps an hour back during a renewal, still steps down within the renew deadline once renewals fail', async () => {
    const { clock, leases, timeline, replica, maxConcurrent } = setup();
    const aClock = clock.jumpable();
    const inner = leases.client('a');
    let jumpOnNextRenewal = false;
    const api: LeaseApi = {
      ...inner,
      replaceNamespacedLease: (param, options) => {
        if (jumpOnNextRenewal) {
          jumpOnNextRenewal = false;
          aClock.jump(-HOUR);
        }
        return inner.replaceNamespacedLease(param, options);
      },
    } as LeaseApi;
    const a = replica('a', aClock, api);
    await clock.advance(0);
    const b = replica('b', clock);
    await clock.advance(4_000);
    expect(a.isLeader()).toBe(true);
    jumpOnNextRenewal = true;
    await clock.advance(2_000);
    expect(jumpOnNextRenewal).toBe(false);
    leases.control('a').failWith = 500;
    const failedAt = clock.now();
    await clock.advance(30_000);
    const aStopped = timeline.find((t) => t.id === 'a' && t.event === 'stop');
    const bStarted = timeline.find((t) => t.id === 'b' && t.event === 'start');
    expect(aStopped?.at).toBeDefined();
    expect((aStopped?.at ?? Infinity) - failedAt).toBeLessThanOrEqual(10_000);
    expect(bStarted && aStopped && aStopped.at <= bStarted.at).toBe(true);
    expect(maxConcurrent()).toBe(1);
    await stopBoth(clock, a, b);
  });
});
