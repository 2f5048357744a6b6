import type { ClusterSnapshot } from '@corral/cluster';
import { formatUsageAmounts, usedFor } from '@corral/cluster';
import {
  effectiveEnforcement,
  effectiveNodeIsolation,
  parseQuantity,
  radosNamespaceOf,
  type Department,
  type ResourceMap,
} from '@corral/policy';

/** Rows the demo prints, computed from the snapshot alone (no I/O). */
export interface DemoSummary {
  readonly counts: Readonly<Record<string, number>>;
  readonly departments: string[][];
  readonly quotas: string[][];
  readonly namespaces: string[][];
  readonly nodes: string[][];
}

const ZONE_LABEL = 'topology.kubernetes.io/zone';

export function summarize(snapshot: ClusterSnapshot): DemoSummary {
  const departments = [...snapshot.departments()].sort(byName);
  const namespaces = [...snapshot.namespaces()].sort((a, b) => a.name.localeCompare(b.name));
  const nodes = [...snapshot.nodes()].sort((a, b) => a.name.localeCompare(b.name));
  let pods = 0;
  for (const node of nodes) pods += snapshot.podsOnNode(node.name).size;
  return {
    counts: {
      departments: departments.length,
      namespaces: namespaces.length,
      'namespace policies': namespaces.filter((ns) => snapshot.namespacePolicy(ns.name)).length,
      nodes: nodes.length,
      'running pods': pods,
    },
    departments: departments.map((department) => departmentRow(snapshot, department)),
    quotas: departments.flatMap((department) =>
      quotaRows(
        department.metadata.name,
        snapshot.usageOfDepartment(department.metadata.name),
        department.spec.quota?.hard,
      ),
    ),
    namespaces: namespaces.map((ns) => {
      const policy = snapshot.namespacePolicy(ns.name);
      const usage = snapshot.usageOfNamespace(ns.name);
      return [
        ns.name,
        snapshot.departmentOfNamespace(ns.name) ?? '-',
        policy ? effectiveEnforcement(policy) : '-',
        ...['pods', 'requests.cpu', 'requests.memory'].map((key) =>
          usedOf(usage, key, policy?.spec.quota?.hard),
        ),
      ];
    }),
    nodes: nodes.map((node) => [
      node.name,
      node.department ?? 'shared',
      node.role ?? '-',
      node.labels[ZONE_LABEL] ?? '-',
      String(snapshot.podsOnNode(node.name).size),
      [...snapshot.departmentsOnNode(node.name).keys()].sort().join(',') || '-',
    ]),
  };
}

function departmentRow(snapshot: ClusterSnapshot, department: Department): string[] {
  const name = department.metadata.name;
  const storage = department.spec.storage;
  return [
    name,
    effectiveNodeIsolation(department),
    [...snapshot.namespacesOfDepartment(name)].sort().join(',') || '-',
    storage ? `${storage.pool}/${radosNamespaceOf(department) ?? ''}` : '-',
    [
      ...new Set([...snapshot.nodes()].filter((n) => n.department === name).map((n) => n.name)),
    ].length.toString(),
  ];
}

/**
 * One row per quota key: owner, key, used, hard (both in the hard limit's unit, so they compare at a
 * glance: `27.5` of `48` cpu, not `27500m` of `48`) and the share used (`-` when hard is 0).
 */
export function quotaRows(
  owner: string,
  usage: ReadonlyMap<string, bigint>,
  hard: ResourceMap | undefined,
): string[][] {
  return Object.entries(hard ?? {}).map(([key, limit]) => {
    const used = usedFor(usage, key);
    const max = parseQuantity(limit).nanos;
    const share = max === 0n ? '-' : `${(used * 100n) / max}%`;
    const [maxText, usedText] = formatUsageAmounts(key, [max, used]) as [string, string];
    return [owner, key, usedText, maxText, share];
  });
}

/** `used` or `used/hard` for one key (both in one unit, see quotaRows). */
function usedOf(usage: ReadonlyMap<string, bigint>, key: string, hard: ResourceMap | undefined): string {
  const used = usedFor(usage, key);
  const limit = hard?.[key];
  if (limit === undefined) return formatUsageAmounts(key, [used])[0] as string;
  const [maxText, usedText] = formatUsageAmounts(key, [parseQuantity(limit).nanos, used]);
  return `${usedText}/${maxText}`;
}

function byName(a: Department, b: Department): number {
  return a.metadata.name.localeCompare(b.metadata.name);
}
