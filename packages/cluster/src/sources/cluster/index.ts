export { startClusterSource } from './start-cluster-source.js';
export type {
  ClusterSource,
  ClusterSourceOptions,
  ClusterSourceStatus,
  KindStatus,
  ReadinessCallback,
} from './types.js';
export type { BackoffPolicy } from './backoff.js';
export { backoffDelay, DEFAULT_BACKOFF } from './backoff.js';
export type { Clock } from './clock.js';
export { systemClock } from './clock.js';
export type { ClusterSourceTiming } from './settings.js';
export { DEFAULT_TIMING } from './settings.js';
export { ClusterSourceError, type ClusterSourceErrorCode } from './errors.js';
