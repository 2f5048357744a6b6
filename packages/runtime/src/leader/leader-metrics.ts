import { Gauge, type Registry } from 'prom-client';

export interface LeaderMetrics {
  /** `corral_leader_is_leader{lease}`: 1 while this replica leads under that Lease, else 0. */
  readonly isLeader: Gauge<'lease'>;
}

const NAME = 'corral_leader_is_leader';

/** Registers the leader-election gauge in `registry`, or returns the one already there. */
export function createLeaderMetrics(registry: Registry): LeaderMetrics {
  const existing = registry.getSingleMetric(NAME);
  if (existing instanceof Gauge) return { isLeader: existing as Gauge<'lease'> };
  return {
    isLeader: new Gauge({
      name: 'corral_leader_is_leader',
      help: 'Whether this replica currently leads under a leader-election Lease (1) or not (0).',
      labelNames: ['lease'],
      registers: [registry],
    }),
  };
}
