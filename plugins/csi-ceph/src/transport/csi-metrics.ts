/**
 * CSI metrics on the service's registry: operations by RPC and gRPC code, and their latency; on the
 * controller also the clones' background flattens (how each attempt ended, and how many clones wait
 * for a retry: controller/flatten.ts, flatten-retries.ts).
 */
import type { Metrics } from '@corral/runtime';
import { Counter, Gauge, Histogram } from 'prom-client';
import { FLATTEN_OUTCOMES, type FlattenOutcome } from '../decide/flatten-retry.js';

/**
 * What the background flattens report, the one interface the flatten job and the retries are given
 * (no registry inside transport; tests pass a recorder or real metrics). No image or volume names.
 */
export interface FlattenMetrics {
  /** An attempt at a clone's flatten (a background job) ended so. */
  ended(outcome: FlattenOutcome): void;
  /** Clones waiting for a retry of their flatten now (or whose retry runs). */
  waiting(count: number): void;
}

export interface CsiMetrics {
  readonly operations: Counter<'rpc' | 'code'>;
  readonly duration: Histogram<'rpc' | 'code'>;
  /** The controller's background flattens; undefined for the node plugin (it flattens nothing). */
  readonly flatten?: FlattenMetrics;
}

/**
 * `corral_csi_background_flattens_total{outcome}` (each outcome at 0 from the start, so a rate or an
 * increase sees the first one) and `corral_csi_flatten_retries_waiting` (0 when none).
 */
function createFlattenMetrics(registers: Metrics['registry'][]): FlattenMetrics {
  const flattens = new Counter({
    name: 'corral_csi_background_flattens_total',
    help: 'Attempts at a clone background flatten that ended, by outcome (done, retrying, failed, stopped).',
    labelNames: ['outcome'],
    registers,
  });
  for (const outcome of FLATTEN_OUTCOMES) flattens.inc({ outcome }, 0);
  const waiting = new Gauge({
    name: 'corral_csi_flatten_retries_waiting',
    help: 'Clones whose failed background flatten waits for a retry now (a full pool, Ceph unreachable).',
    registers,
  });
  return {
    ended: (outcome) => flattens.inc({ outcome }),
    waiting: (count) => waiting.set(count),
  };
}

/** Registers the CSI metrics of `role` (default the controller's, which include the flattens'). */
export function createCsiMetrics(metrics: Metrics, role: 'controller' | 'node' = 'controller'): CsiMetrics {
  const registers = [metrics.registry];
  return {
    operations: new Counter({
      name: 'corral_csi_operations_total',
      help: 'CSI operations served, by RPC and gRPC status code.',
      labelNames: ['rpc', 'code'],
      registers,
    }),
    duration: new Histogram({
      name: 'corral_csi_operation_duration_seconds',
      help: 'Duration of CSI operations, by RPC and gRPC status code.',
      labelNames: ['rpc', 'code'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    }),
    ...(role === 'controller' ? { flatten: createFlattenMetrics(registers) } : {}),
  };
}
