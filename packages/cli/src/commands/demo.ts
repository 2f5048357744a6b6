import { resolve } from 'node:path';
import { SnapshotStore, startFileSource } from '@corral/cluster';
import { describeProblem } from '@corral/policy';
import { runSamples } from '../demo/run-samples.js';
import { summarize } from '../demo/summarize.js';
import { renderTable } from '../format/table.js';
import { EXIT_OK, EXIT_USAGE, type CliIo } from '../io.js';
import { parseFlags } from './parse-flags.js';

/**
 * `corral demo`: loads the example cluster from YAML (no cluster needed) through the same file
 * source and snapshot the services use, and prints what Corral sees. Later issues extend it with
 * the services running for real.
 */
export async function demo(args: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseFlags(args, { policies: { type: 'string', default: 'examples' } });
  if (!parsed.ok) {
    io.stderr(`corral demo: ${parsed.message}\n`);
    return EXIT_USAGE;
  }
  const path = resolve(io.cwd, String(parsed.values['policies']));
  const store = new SnapshotStore();
  try {
    const source = await startFileSource({ path, sink: store, watch: false, onProblems: () => undefined });
    await source.stop();
  } catch (error) {
    io.stderr(`corral demo: cannot load ${path}\n${errorText(error)}\n`);
    return EXIT_USAGE;
  }
  io.stdout(render(path, store));
  const problems = store.problems();
  if (problems.length === 0) {
    io.stdout(await runSamples(path, io));
    io.stdout(
      "\nNext: the CSI driver (`corral csi`) provisions these departments' volumes in Ceph; see docs/csi-ceph.md.\n",
    );
    return EXIT_OK;
  }
  io.stderr(`${problems.length} problem(s):\n${problems.map((p) => `  ${describeProblem(p)}`).join('\n')}\n`);
  return EXIT_USAGE;
}

function render(path: string, store: SnapshotStore): string {
  const summary = summarize(store);
  const counts = Object.entries(summary.counts)
    .map(([what, count]) => `${count} ${what}`)
    .join(', ');
  return [
    `Corral demo: the cluster in ${path} (no Kubernetes needed)\n`,
    `Loaded and validated: ${counts}; ${store.problems().length} problems.\n`,
    '\nDepartments\n',
    renderTable(['NAME', 'ISOLATION', 'NAMESPACES', 'CEPH POOL/NS', 'OWN NODES'], summary.departments),
    "\nDepartment quotas (summed over all the department's namespaces)\n",
    renderTable(['DEPARTMENT', 'RESOURCE', 'USED', 'HARD', 'USE'], summary.quotas),
    '\nNamespaces (used, or used/hard under the namespace quota)\n',
    renderTable(
      ['NAME', 'DEPARTMENT', 'ENFORCEMENT', 'PODS', 'CPU REQUESTS', 'MEMORY REQUESTS'],
      summary.namespaces,
    ),
    '\nNodes (pool: the department a node is dedicated to, or the shared pool)\n',
    renderTable(['NAME', 'POOL', 'ROLE', 'ZONE', 'PODS', 'DEPARTMENTS RUNNING'], summary.nodes),
  ].join('');
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
