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
  /** Where the objects came from (a path, or `cluster`), attached to every problem. */
  readonly source?: string;
}

/** Two departments share a RADOS namespace when pool and radosNamespace (none = the pool's default) match. */
export function storageKey(department: Department): string | undefined {
  const storage = department.spec.storage;
  return storage === undefined ? undefined : JSON.stringify([storage.pool, storage.radosNamespace ?? '']);
}
