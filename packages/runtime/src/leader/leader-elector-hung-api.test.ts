import { replicaOptions } from './__fixtures__/lease-replicas.js';
import { doneWithin, ManualClock } from './__fixtures__/manual-clock.js';
import { MemoryLeases } from './__fixtures__/memory-leases.js';
import { createLeaderElector } from './leader-elector.js';

function setup() {
  const clock = new ManualClock();
  const leases = new MemoryLeases(clock);
  const log: string[] = [];
  const replica = (id: string) => {
    const elector = createLeaderElector({
      ...replicaOptions(leases, id, clock, () => 0.5),
      onStartedLeading: () => log.push(`${id} started`),
      onStoppedLeading: (reason) => log.push(`${id} stopped: ${reason}`),
    });
    elector.start();
    return elector;
  };
  return { clock, leases, log, replica };
}

describe('leader election when a Lease call never answers', () => {
  it('given the leader’s API hangs, steps down, gives the call up, and leads again once the API answers', async () => {
    const { clock, leases, log, replica } = setup();
    const a = replica('a');
    await clock.advance(4_000);
    expect(a.isLeader()).toBe(true);
    leases.control('a').hang = true;
    await clock.advance(12_000);
    expect(a.isLeader()).toBe(false);
    expect(log).toContain('a stopped: no renewal succeeded within the renew deadline');
    // The API answers again: the elector must still be trying (the hung call was given up).
    leases.control('a').hang = false;
    await clock.advance(15_000);
    expect(a.isLeader()).toBe(true);
    expect(log.filter((l) => l === 'a started')).toHaveLength(2);
    const stopped = a.stop();
    await clock.advance(10_000);
    await stopped;
  });

  it('given a call hanging when stop() is called, stop() resolves within the renew deadline', async () => {
    const { clock, leases, replica } = setup();
    const a = replica('a');
    await clock.advance(4_000);
    leases.control('a').hang = true;
    await clock.advance(1_000);
    expect(await doneWithin(clock, 10_000, a.stop())).toBe(true);
    expect(a.isLeader()).toBe(false);
  });
});
