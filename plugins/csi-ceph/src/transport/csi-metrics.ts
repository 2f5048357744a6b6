/** CSI metrics on the service's registry: operations by RPC and gRPC code, and their latency. */
import type { Metrics } from '@corral/runtime';
import { Counter, Histogram } from 'prom-client';

export interface CsiMetrics {
  readonly operations: Counter<'rpc' | 'code'>;
  readonly duration: Histogram<'rpc' | 'code'>;
}

export function createCsiMetrics(metrics: Metrics): CsiMetrics {
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
  };
}
