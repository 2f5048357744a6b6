import type { Department } from '../schema/department.js';
import type { NamespacePolicy } from '../schema/namespace-policy.js';
import type { Labels } from '../selector/label-selector.js';

/** A namespace as the policy checks see it: its name and labels. */
export interface NamespaceInfo {
  readonly name: string;
  readonly labels?: Labels;
}

/** All policy objects of a cluster (or of a folder of YAML files), each already valid on its own. */
export interface PolicySet {
  readonly departments: readonly Department[];
  readonly policies: readonly NamespacePolicy[];
  readonly namespaces: readonly NamespaceInfo[];
  /**
   * Namespaces that never join a department (kube-system, Corral's own: the services'
   * --system-namespaces), whatever their labels; a Department selecting one is a problem. Absent:
   * none (the snapshot settles membership itself).
   */
  readonly systemNamespaces?: readonly string[];
  /** Where the objects came from (a path, or `cluster`), attached to every problem. */
  readonly source?: string;
}

/**
 * The RADOS namespace a department's volumes go to: its `radosNamespace`, else its own name (where
 * the CSI driver puts them, plugins/csi-ceph decide/placement.ts); undefined without `spec.storage`.
 */
export function radosNamespaceOf(department: Department): string | undefined {
  const storage = department.spec.storage;
  return storage === undefined ? undefined : (storage.radosNamespace ?? department.metadata.name);
}

/** Two departments share a RADOS namespace when their pools and effective RADOS namespaces match. */
export function storageKey(department: Department): string | undefined {
  const storage = department.spec.storage;
  return storage === undefined ? undefined : JSON.stringify([storage.pool, radosNamespaceOf(department)]);
}
