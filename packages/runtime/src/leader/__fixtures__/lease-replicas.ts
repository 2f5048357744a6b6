import type { Clock } from '../clock.js';
import type { LeaderElectionOptions } from '../elector-options.js';
import type { MemoryLeases } from './memory-leases.js';

/** The Lease the election tests' replicas contend for. */
export const LEASE = { name: 'corral-test', namespace: 'corral-system' } as const;

/** A pseudo-random source in [0, 1) for the jitter: the same seed gives the same run every time. */
export function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

/**
 * The options a test replica `id` starts from: its own client of `leases` (so a test can fail or hang
 * its calls alone), the test Lease, `clock` and `random`; callbacks are the test's to add.
 */
export function replicaOptions(
  leases: MemoryLeases,
  id: string,
  clock: Clock,
  random: () => number,
): LeaderElectionOptions {
  return { api: leases.client(id), ...LEASE, identity: id, clock, random };
}
