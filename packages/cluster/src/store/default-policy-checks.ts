import {
  checkPolicySet,
  compareByAge,
  resolveConflicts,
  validateDepartment,
  validateNamespacePolicy,
} from '@corral/policy';
import type { PolicyChecks } from './policy-checks.js';

/** @corral/policy's validation and conflict rules: what a SnapshotStore uses unless told otherwise. */
export const DEFAULT_POLICY_CHECKS: PolicyChecks = Object.freeze({
  validateDepartment,
  validateNamespacePolicy,
  checkPolicySet,
  resolveConflicts,
  compareByAge,
});
