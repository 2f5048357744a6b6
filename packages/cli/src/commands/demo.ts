import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SnapshotStore, startFileSource } from '@corral/cluster';
import { describeProblem } from '@corral/policy';
import { renderCluster } from '../demo/cluster-view.js';
import { openLocalCeph, type LocalCeph } from '../demo/effects/local-ceph.js';
import { readManifests, type Manifest } from '../demo/effects/manifests.js';
import { runSamples } from '../demo/run-samples.js';
import { runWalkthrough } from '../demo/walkthrough.js';
import { EXIT_FINDING, EXIT_OK, EXIT_USAGE, type CliIo } from '../io.js';
import { asksForHelp, parseFlags } from './parse-flags.js';

/** The demo's manifests, `demo/` at the repository root (src/commands and dist/commands sit alike). */
export const DEMO_MANIFESTS = fileURLToPath(new URL('../../../../demo/', import.meta.url));

/** The example cluster, `examples/` at the repository root: found from any working directory. */
export const DEMO_POLICIES = fileURLToPath(new URL('../../../../examples/', import.meta.url));

const FLAGS = {
  policies: { type: 'string' },
  manifests: { type: 'string' },
  'no-ceph': { type: 'boolean', default: false },
  offline: { type: 'boolean', default: false },
} as const;

export const DEMO_HELP = `usage: corral demo [--policies PATH] [--manifests PATH] [--no-ceph | --offline]

Checks the policies, then walks through Corral with its services running for real on the example
cluster, driven as Kubernetes drives them (what \`make demo\` runs).

  --policies PATH    the policies of the example cluster (default: examples/ of the repository)
  --manifests PATH   the demo's manifests (default: demo/ of the repository)
  --no-ceph          skip the storage part
  --offline          start nothing: print the example cluster and run the decisions in-process
                     on built-in samples (so not with --manifests)
  -h, --help         this text
`;

/**
 * `corral demo`: checks the policies, then walks through Corral with its services running for real
 * (demo/walkthrough.ts). `--no-ceph` skips the storage part; `--offline` only prints the example
 * cluster and runs the decision code in-process, with no service started.
 */
export async function demo(args: readonly string[], io: CliIo): Promise<number> {
  if (asksForHelp(args)) {
    io.stdout(DEMO_HELP);
    return EXIT_OK;
  }
  const parsed = parseFlags(args, FLAGS);
  if (!parsed.ok) {
    io.stderr(`corral demo: ${parsed.message}\n`);
    return EXIT_USAGE;
  }
  if (parsed.values['offline'] === true && parsed.values['manifests'] !== undefined) {
    io.stderr('corral demo: --offline runs built-in samples and reads no --manifests; give one of them\n');
    return EXIT_USAGE;
  }
  const policies = parsed.values['policies'];
  const path = resolve(io.cwd, typeof policies === 'string' ? policies : DEMO_POLICIES);
  const store = new SnapshotStore();
  try {
    const source = await startFileSource({ path, sink: store, watch: false, onProblems: () => undefined });
    await source.stop();
  } catch (error) {
    io.stderr(`corral demo: cannot load ${path}\n${errorText(error)}\n`);
    return EXIT_USAGE;
  }
  const problems = store.problems();
  if (problems.length > 0) {
    io.stderr(
      `${problems.length} problem(s):\n${problems.map((p) => `  ${describeProblem(p)}`).join('\n')}\n`,
    );
    return EXIT_USAGE;
  }
  if (parsed.values['offline'] === true) {
    io.stdout(renderCluster(path, store));
    io.stdout(await runSamples(path, io));
    return EXIT_OK;
  }
  const manifests = parsed.values['manifests'];
  return walkthrough(
    path,
    typeof manifests === 'string' ? resolve(io.cwd, manifests) : DEMO_MANIFESTS,
    parsed.values['no-ceph'] === true,
    io,
  );
}

async function walkthrough(
  policies: string,
  manifestPath: string,
  noCeph: boolean,
  io: CliIo,
): Promise<number> {
  let manifests: Manifest[];
  try {
    manifests = await readManifests(manifestPath);
  } catch (error) {
    io.stderr(`corral demo: cannot read the demo's manifests in ${manifestPath}\n${errorText(error)}\n`);
    return EXIT_USAGE;
  }
  const local: LocalCeph = noCeph
    ? { ok: false, reason: '--no-ceph was given' }
    : await openLocalCeph(io.env, (text) => io.stdout(text));
  // Ctrl-C, SIGTERM or a closed stdout (`corral demo | head`) end the walkthrough gracefully: its
  // services stop, volumes are torn down and the workspace removed.
  // A second signal during that cleanup is not a reason to leave mounts, services or Ceph behind:
  // it is answered with a note, and the cleanup goes on.
  const aborter = new AbortController();
  const abort = () => {
    if (aborter.signal.aborted)
      io.stderr('corral demo: still shutting down; everything it started is being stopped\n');
    else aborter.abort(new Error('interrupted: shutting everything down'));
  };
  process.on('SIGINT', abort);
  process.on('SIGTERM', abort);
  onClosedOutput = abort;
  watchOutput();
  let failed = false;
  try {
    const report = await runWalkthrough({
      policies,
      manifests,
      ceph: local.ok ? local.ceph : { skip: local.reason },
      env: io.env,
      print: (text) => io.stdout(text),
      signal: aborter.signal,
    });
    failed = report.failures.length > 0;
  } catch (error) {
    io.stderr(`corral demo: ${errorText(error)}\n`);
    return EXIT_USAGE;
  } finally {
    process.off('SIGINT', abort);
    process.off('SIGTERM', abort);
    onClosedOutput = undefined;
    if (local.ok) failed = !(await stopCeph(local, io)) || failed;
  }
  return failed ? EXIT_FINDING : EXIT_OK;
}

async function stopCeph(local: Extract<LocalCeph, { ok: true }>, io: CliIo): Promise<boolean> {
  try {
    await local.stop();
    if (local.startedHere) io.stdout('  The local Ceph this demo started is stopped again.\n');
    return true;
  } catch (error) {
    io.stderr(`corral demo: ${errorText(error)}\n`);
    return false;
  }
}

/**
 * A closed stdout shows up as an 'error' event on it, possibly after the command returned: one
 * listener for the life of the process, pointed at the running walkthrough if there is one.
 */
let onClosedOutput: (() => void) | undefined;
let watchingOutput = false;
function watchOutput(): void {
  if (watchingOutput) return;
  watchingOutput = true;
  process.stdout.on('error', () => onClosedOutput?.());
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
