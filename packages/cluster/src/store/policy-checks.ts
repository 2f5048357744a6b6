import type { Department, NamespacePolicy, PolicyProblem, Validated } from '@corral/policy';

/** A namespace as checkPolicySet reads it. */
export interface NamespaceInfo {
  readonly name: string;
  readonly labels?: Readonly<Record<string, string>>;
}

/** What checkPolicySet is given: the whole policy set and the namespaces it applies to. */
export interface PolicySetInput {
  readonly departments: readonly Department[];
  readonly policies: readonly NamespacePolicy[];
  readonly namespaces: readonly NamespaceInfo[];
  readonly source?: string;
}

/** The objects to serve while conflicts remain (oldest wins). */
export interface ServedSet {
  readonly departments: readonly Department[];
  readonly policies: readonly NamespacePolicy[];
}

/**
 * The policy package's validation and conflict rules, injected into the store so the store stays
 * testable on its own; DEFAULT_POLICY_CHECKS wires the real functions from @corral/policy.
 */
export interface PolicyChecks {
  validateDepartment(object: unknown, source?: string): Validated<Department>;
  validateNamespacePolicy(object: unknown, source?: string): Validated<NamespacePolicy>;
  checkPolicySet(input: PolicySetInput): PolicyProblem[];
  /** Which objects to serve when the set conflicts (one policy per namespace, no shared storage). */
  resolveConflicts(input: PolicySetInput): ServedSet;
  /** Oldest first: the order in which conflicts are settled. */
  compareByAge(a: Department | NamespacePolicy, b: Department | NamespacePolicy): number;
}
