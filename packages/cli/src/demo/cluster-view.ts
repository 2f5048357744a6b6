import type { ClusterSnapshot } from '@corral/cluster';
import { renderTable } from '../format/table.js';
import { summarize } from './summarize.js';

/** The example cluster as tables: what Corral sees once the policy files are loaded. */
export function renderCluster(
  path: string,
  snapshot: ClusterSnapshot & { problems(): readonly unknown[] },
): string {
  const summary = summarize(snapshot);
  const counts = Object.entries(summary.counts)
    .map(([what, count]) => `${count} ${what}`)
    .join(', ');
  return [
    `Corral demo: the cluster in ${path} (no Kubernetes needed)\n`,
    `Loaded and validated: ${counts}; ${snapshot.problems().length} problems.\n`,
    '\nDepartments\n',
    renderTable(['NAME', 'ISOLATION', 'NAMESPACES', 'CEPH POOL/NS', 'OWN NODES'], summary.departments),
    "\nDepartment quotas (summed over all the department's namespaces)\n",
    renderTable(['DEPARTMENT', 'RESOURCE', 'USED', 'HARD', 'USE'], summary.quotas),
    '\nNamespaces (used, or used/hard under the namespace quota)\n',
    renderTable(
      ['NAME', 'DEPARTMENT', 'ENFORCEMENT', 'PODS', 'CPU REQUESTS', 'MEMORY REQUESTS'],
      summary.namespaces,
    ),
    ...nodesTable(snapshot),
  ].join('');
}

/** Departments and nodes only: the walkthrough's opening. */
export function renderClusterBrief(path: string, snapshot: ClusterSnapshot): string {
  const summary = summarize(snapshot);
  return [
    `Corral demo: Corral's services running for real on the example cluster in ${path}\n`,
    '\nDepartments\n',
    renderTable(['NAME', 'ISOLATION', 'NAMESPACES', 'CEPH POOL/NS', 'OWN NODES'], summary.departments),
    ...nodesTable(snapshot),
  ].join('');
}

function nodesTable(snapshot: ClusterSnapshot): string[] {
  return [
    '\nNodes (pool: the department a node is dedicated to, or the shared pool)\n',
    renderTable(['NAME', 'POOL', 'ROLE', 'ZONE', 'PODS', 'DEPARTMENTS RUNNING'], summarize(snapshot).nodes),
  ];
}
