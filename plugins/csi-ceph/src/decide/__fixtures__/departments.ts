import type { Department } from '@corral/policy';

/** A Department named `name`, with the given `spec.storage` (none: the shared space). */
export const department = (name: string, storage?: Department['spec']['storage']): Department =>
  ({
    apiVersion: 'corral.dev/v1alpha1',
    kind: 'Department',
    metadata: { name },
    spec: storage ? { storage } : {},
  }) as Department;

/** alpha and beta with RADOS namespaces of their own in pool `rbd`, gamma in the shared space. */
export const TENANT_DEPARTMENTS: readonly (readonly [string, Department])[] = [
  ['alpha', department('alpha', { pool: 'rbd', radosNamespace: 'alpha' })],
  ['beta', department('beta', { pool: 'rbd', radosNamespace: 'beta' })],
  ['gamma', department('gamma')],
];
