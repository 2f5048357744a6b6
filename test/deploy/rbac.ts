/**
 * What a ServiceAccount may do in a rendered manifest set, flattened to one string per permission:
 * `<scope> <apiGroup> <resource>[/<resourceName>] <verb>` where scope is `cluster` (ClusterRoleBinding)
 * or the RoleBinding's namespace, and the core group is written `core`. Roles that are not in the set
 * (built-in ones such as system:kube-scheduler) are returned by name, to be compared with a table.
 */
import type { KubeObject } from './kustomize.js';

interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  verbs?: string[];
  nonResourceURLs?: string[];
}

interface Binding {
  roleRef: { kind: 'Role' | 'ClusterRole'; name: string };
  subjects?: { kind: string; name: string; namespace?: string }[];
}

export interface ServiceAccountRights {
  permissions: Set<string>;
  /** `ClusterRole/<name>` or `Role/<namespace>/<name>` bound but not defined in the rendered set. */
  externalRoles: Set<string>;
}

function findRole(
  objects: readonly KubeObject[],
  kind: string,
  name: string,
  namespace?: string,
): KubeObject | undefined {
  return objects.find(
    (o) =>
      o.kind === kind &&
      o.metadata.name === name &&
      (kind === 'ClusterRole' || o.metadata.namespace === namespace),
  );
}

/** One string per (group, resource[/name], verb) of the rules, prefixed with the scope. */
export function expandRules(scope: string, rules: readonly PolicyRule[]): string[] {
  return rules.flatMap((rule) => {
    const urls = rule.nonResourceURLs ? [`${scope} nonResourceURLs ${rule.nonResourceURLs.join(',')}`] : [];
    const names = rule.resourceNames && rule.resourceNames.length > 0 ? rule.resourceNames : [undefined];
    const resources = (rule.apiGroups ?? []).flatMap((group) =>
      (rule.resources ?? []).flatMap((resource) =>
        names.map((name) => `${group === '' ? 'core' : group} ${resource}${name ? `/${name}` : ''}`),
      ),
    );
    return [...urls, ...resources.flatMap((r) => (rule.verbs ?? []).map((verb) => `${scope} ${r} ${verb}`))];
  });
}

/** Everything the ServiceAccount `namespace/name` is granted by the bindings in `objects`. */
export function rightsOf(
  objects: readonly KubeObject[],
  namespace: string,
  name: string,
): ServiceAccountRights {
  const rights: ServiceAccountRights = { permissions: new Set(), externalRoles: new Set() };
  for (const obj of objects) {
    if (obj.kind !== 'RoleBinding' && obj.kind !== 'ClusterRoleBinding') continue;
    const binding = obj as unknown as Binding;
    const bound = (binding.subjects ?? []).some(
      (s) => s.kind === 'ServiceAccount' && s.name === name && s.namespace === namespace,
    );
    if (!bound) continue;
    const scope = obj.kind === 'ClusterRoleBinding' ? 'cluster' : (obj.metadata.namespace ?? '?');
    const roleNamespace = binding.roleRef.kind === 'Role' ? obj.metadata.namespace : undefined;
    const role = findRole(objects, binding.roleRef.kind, binding.roleRef.name, roleNamespace);
    if (!role) {
      const ref = roleNamespace
        ? `Role/${roleNamespace}/${binding.roleRef.name}`
        : `ClusterRole/${binding.roleRef.name}`;
      rights.externalRoles.add(ref);
      continue;
    }
    for (const p of expandRules(scope, (role['rules'] as PolicyRule[] | undefined) ?? []))
      rights.permissions.add(p);
  }
  return rights;
}

/** Expands a compact table row `scope group res1,res2 verb1,verb2` into permission strings. */
export function grants(row: string): string[] {
  const [scope, group, resources, verbs] = row.split(' ');
  if (!scope || !group || !resources || !verbs) throw new Error(`bad table row "${row}"`);
  return resources.split(',').flatMap((r) => verbs.split(',').map((v) => `${scope} ${group} ${r} ${v}`));
}
