export * from './problem.js';
export { validateDepartment, validateNamespacePolicy } from './validate-object.js';
export { unusableDefaultKeys, unusableDefaultProblems } from './default-resource-checks.js';
export {
  DEFAULT_ENFORCEMENT,
  DEFAULT_NODE_ISOLATION,
  effectiveEnforcement,
  effectiveNodeIsolation,
} from './effective.js';
export {
  QUOTA_KEYS,
  isContainerResourceName,
  isEnforcedQuotaKey,
  isExtendedResourceName,
  measuredQuotaKey,
  quotaKeyProblem,
} from './resource-names.js';
export {
  STORAGE_CLASS_SUFFIX,
  splitStorageClassQuotaKey,
  storageClassQuotaKey,
} from './storage-class-keys.js';
export { escapePointerSegment, joinPointer } from './json-pointer.js';
export { checkPolicySet, compareProblems } from './check-policy-set.js';
export { resolveConflicts, type DroppedObject, type ResolvedPolicySet } from './resolve-conflicts.js';
export { compareByAge } from './conflict-order.js';
export { isNamespaceClaimProblem, problemIdentity } from './department-conflicts.js';
export { radosNamespaceOf, type NamespaceInfo, type PolicySet } from './policy-set.js';
