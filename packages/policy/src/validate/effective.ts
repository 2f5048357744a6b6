import type { Department, NodeIsolation } from '../schema/department.js';
import { EnforcementSchema, type Enforcement, type NamespacePolicy } from '../schema/namespace-policy.js';
import { NodeIsolationSchema } from '../schema/department.js';

/**
 * Effective values of optional fields. Objects are kept as written (no defaults filled in), and
 * readers ask here; the defaults are the schemas' own `default`, which the CRDs publish too.
 */
export const DEFAULT_NODE_ISOLATION: NodeIsolation = NodeIsolationSchema.default as NodeIsolation;
export const DEFAULT_ENFORCEMENT: Enforcement = EnforcementSchema.default as Enforcement;

export function effectiveNodeIsolation(department: Pick<Department, 'spec'>): NodeIsolation {
  return department.spec.nodeIsolation ?? DEFAULT_NODE_ISOLATION;
}

export function effectiveEnforcement(policy: Pick<NamespacePolicy, 'spec'>): Enforcement {
  return policy.spec.enforcement ?? DEFAULT_ENFORCEMENT;
}
