export * from './sink.js';
export type {
  AppliedListener,
  AppliedObject,
  ClusterSnapshot,
  ChangeListener,
  SnapshotChange,
} from './store/cluster-snapshot.js';
export {
  DEFAULT_SYSTEM_NAMESPACES,
  SnapshotStore,
  type SnapshotStoreOptions,
} from './store/snapshot-store.js';
export type { InvalidPolicy, InvalidReason, PolicyKind, RefusedCopy } from './store/invalid-policy.js';
export type { PolicyValidityChange, ValidityListener } from './store/validity-changes.js';
export { validityLogEntry, type ValidityLogEntry } from './validity/validity-log-entry.js';
export { createInvalidPolicyMetric, INVALID_POLICY_METRIC } from './validity/invalid-policy-metric.js';
export { countsForSpread, type DomainQuery } from './store/domain-index.js';
export type { PolicyChecks, PolicySetInput, NamespaceInfo, ServedSet } from './store/policy-checks.js';
export { DEFAULT_POLICY_CHECKS } from './store/default-policy-checks.js';
export type { NodeView, NodeRole, Taint } from './views/node-view.js';
export type { NamespaceView } from './views/namespace-view.js';
export type { PodView } from './views/pod-view.js';
export type { PvcView } from './views/pvc-view.js';
export type { ResourceList } from './views/resource-list.js';
export type { ObjectRef } from './views/object-ref.js';
export { toNodeView } from './views/node-view.js';
export { toNamespaceView } from './views/namespace-view.js';
export { toPodView } from './views/pod-view.js';
export { toPvcView } from './views/pvc-view.js';
export { podResources, type PodResources } from './views/pod-resources.js';
export { DEFAULT_GPU_RESOURCES, ROLE_LABEL, type ViewOptions } from './views/view-options.js';
export { objectKey } from './views/object-ref.js';
export { UNIT, EMPTY_USAGE, podUsage, pvcUsage, usedFor, usageKeyOf, type Usage } from './usage/usage.js';
export {
  formatUsage,
  formatUsageAmounts,
  formatUsageValue,
  usageUnits,
  usageKeyFormat,
} from './usage/format-usage.js';
export { loadPolicyFiles, type LoadedObjects, type LoadOptions } from './sources/files/load-policy-files.js';
export { documentSource, parseDocuments, type SourceDocument } from './sources/files/parse-documents.js';
export { nonStringMetadataFields } from './sources/files/metadata-strings.js';
export type { FieldError } from './views/object-ref.js';
export { startFileSource, type FileSource, type FileSourceOptions } from './sources/files/file-source.js';
export * from './testing/raw-objects.js';
export { ClusterError, CLUSTER_ERRORS, type ClusterErrorCode } from './errors.js';
export {
  startClusterSource,
  backoffDelay,
  DEFAULT_BACKOFF,
  type BackoffPolicy,
  DEFAULT_TIMING,
  ClusterSourceError,
  type ClusterSource,
  type ClusterSourceOptions,
  type ClusterSourceStatus,
  type KindStatus,
  type ReadinessCallback,
  type ClusterSourceTiming,
} from './sources/cluster/index.js';
export { openSnapshot, type OpenSnapshotOptions, type OpenedSnapshot } from './open-snapshot.js';
