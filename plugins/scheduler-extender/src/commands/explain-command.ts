import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import {
  createLogger,
  ConfigError,
  isCorralError,
  readStandardInput,
  STDIN,
  STDIN_NAME,
} from '@corral/runtime';
import {
  ClusterError,
  nonStringMetadataFields,
  parseDocuments,
  toPodView,
  type PodView,
} from '@corral/cluster';
import { describeProblem } from '@corral/policy';
import { explainHelp, loadExplainConfig } from '../config.js';
import type { Candidate } from '../decide/candidate.js';
import { decideOptions, type DecideOptions } from '../decide/decide-options.js';
import { explainPod, type ExplainRow } from '../decide/explain.js';
import { clusterViewOf, type ClusterView } from '../decide/rule-input.js';
import { podContext } from '../decide/pod-context.js';
import { openExtenderSnapshot } from '../effects/open-snapshot.js';
import { EXT_ERR, ExtenderError, toWireMessage } from '../errors.js';
import { unknownOwnerOf } from '../transport/request-pod.js';
import { EXIT_OK, EXIT_USAGE, type CliIo } from './cli-io.js';
import { podFileProblem, splitPodFile } from './explain-args.js';
import {
  explainTargets,
  TEMPLATE_KINDS,
  type ExplainTarget,
  type ExplainTargets,
} from './explain-targets.js';
import { formatTable } from './format-table.js';

const USAGE =
  'usage: corral explain POD.yaml|- --policies PATH [--system-namespaces a,b] [--gpu-resources r]\n' +
  `  POD.yaml: one YAML file of Pods, or of workloads whose pod template is explained (${TEMPLATE_KINDS.join(', ')});\n` +
  '  - reads it from standard input (kubectl get pod NAME -o yaml | corral explain - --policies PATH)';

const SUMMARY =
  'Node by node, whether and why each pod of POD.yaml may run there, and its score, from the ' +
  `extender's decision code. POD.yaml: one YAML file of Pods, or of workloads whose pod template is explained (${TEMPLATE_KINDS.join(', ')}); - reads it from standard input.`;

/**
 * `corral explain POD.yaml --policies PATH`: node by node, whether and why each pod (or workload's pod
 * template) of the file may run there and its score, from the extender's own decision code, offline.
 * Exit 0 once explained; 2 for bad input.
 */
export async function explainCommand(args: readonly string[], io: CliIo): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout(explainHelp(SUMMARY));
    return EXIT_OK;
  }
  const { podFile, flags } = splitPodFile(args);
  const problem = podFileProblem(podFile);
  if (podFile === undefined || problem !== undefined) {
    io.stderr(`corral explain: ${problem ?? 'name the pod file'}\n${USAGE}\n`);
    return EXIT_USAGE;
  }
  let config: ReturnType<typeof loadExplainConfig> | undefined;
  try {
    config = loadExplainConfig(flags, io.env);
    const { name, text } = await readPodFile(podFile, io);
    const { targets, skipped } = targetsOfText(name, text);
    // Every pod is read before any is explained: bad input exits 2 with no table printed.
    const pods = readPods(targets, name, config.gpuResources);
    const logger = createLogger({ level: 'silent', name: 'explain' });
    const opened = await openExtenderSnapshot({
      policies: absolute(io.cwd, config.policies),
      logger,
      gpuResources: config.gpuResources,
      systemNamespaces: config.systemNamespaces,
      watchFiles: false,
      readiness: () => undefined,
    });
    const options = decideOptions(config.systemNamespaces, config.gpuResources);
    const cluster = clusterViewOf(opened.snapshot);
    const candidates = [...opened.snapshot.nodes()]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((view) => ({ name: view.name, view }));
    try {
      for (const pod of pods) io.stdout(explainOne(pod, { cluster, candidates, options }));
    } finally {
      cluster.nodes.stop();
      await opened.stop();
    }
    if (skipped.length > 0) io.stdout(`not explained (no pod or pod template): ${skipped.join(', ')}\n`);
    return EXIT_OK;
  } catch (error) {
    if (error instanceof ClusterError) {
      const listed = error.problems.map((problem) => `  - ${describeProblem(problem)}`).join('\n');
      io.stderr(`corral explain: the policies in ${String(config?.policies)} have problems:\n${listed}\n`);
      return EXIT_USAGE;
    }
    if (error instanceof ConfigError || isCorralError(error)) {
      io.stderr(
        `corral explain: ${error instanceof ConfigError ? error.message : `${error.code}: ${error.message}`}\n`,
      );
      return EXIT_USAGE;
    }
    throw error;
  }
}

interface ExplainDeps {
  readonly cluster: ClusterView;
  readonly candidates: readonly Candidate[];
  readonly options: DecideOptions;
}

/**
 * One pod's (or pod template's) explanation: its table, or, when serving would answer its filter an
 * Error (its namespace or department unknown to the snapshot: see unknownOwnerOf), that Error and no
 * fitting node, as serving decides (not the table of a pod of no department).
 */
function explainOne({ target, view }: TargetPod, deps: ExplainDeps): string {
  const { cluster, candidates, options } = deps;
  const unknown = unknownOwnerOf(view.namespace, cluster.snapshot, options);
  if (unknown) {
    return (
      `${target.title}: fits 0 of ${candidates.length} nodes; the extender answers Error ${toWireMessage(unknown)}\n` +
      `  (offline: ${offlineHint(unknown, view.namespace)})\n`
    );
  }
  const context = podContext(view, cluster.snapshot);
  const rows = explainPod(context, candidates, cluster, options);
  const owner = options.systemNamespaces.has(view.namespace) ? 'system namespace' : undefined;
  return `${heading(target.title, owner ?? departmentOf(context.department), rows)}\n${formatTable(toCells(rows))}\n`;
}

/** A target and its pod, read as the extender reads the request's. */
interface TargetPod {
  readonly target: ExplainTarget;
  readonly view: PodView;
}

/**
 * Each target's pod, as the extender reads a request's Pod; throws EXT_ERR_EXPLAIN_INPUT naming
 * every pod that cannot be read (before, the pods ahead of one were explained, then it exited 2).
 */
function readPods(targets: readonly ExplainTarget[], podFile: string, gpuResources: readonly string[]) {
  const pods: TargetPod[] = [];
  const problems: string[] = [];
  for (const target of targets) {
    const view = toPodView(target.pod, podFile, { gpuResources });
    if (view.ok) pods.push({ target, view: view.value });
    else problems.push(...view.problems.map(describeProblem));
  }
  if (problems.length > 0) throw new ExtenderError(EXT_ERR.EXPLAIN_INPUT, problems.join('; '));
  return pods;
}

/** What to add to the policy files so that the pod can be explained. */
function offlineHint(unknown: ExtenderError, namespace: string): string {
  if (unknown.code === EXT_ERR.UNKNOWN_NAMESPACE)
    return `the files under --policies hold no Namespace ${namespace}: add it, with its department label`;
  return `the files under --policies hold no valid Department for namespace ${namespace}'s department label`;
}

/** Why reading failed, as a message names it. */
const reasonOf = (cause: unknown): string => (cause instanceof Error ? cause.message : String(cause));

/**
 * The text of the pod file and the name messages give it: its absolute path, or `stdin` for `-`
 * (read as `kubectl apply -f -` reads it). A path that cannot be read is named with the reason; a
 * folder is told that explain takes a file.
 */
async function readPodFile(podFile: string, io: CliIo): Promise<{ name: string; text: string }> {
  if (podFile === STDIN) {
    const text = await readStandardInput(io, `the pod file ${STDIN}`).catch((cause: unknown) => {
      throw new ExtenderError(EXT_ERR.EXPLAIN_INPUT, reasonOf(cause), { cause });
    });
    return { name: STDIN_NAME, text };
  }
  const path = absolute(io.cwd, podFile);
  const text = await readFile(path, 'utf8').catch((cause: unknown) => {
    const folder = (cause as { code?: unknown }).code === 'EISDIR';
    const hint = folder ? ': it is a folder; give one YAML file of Pods or workloads' : '';
    throw new ExtenderError(EXT_ERR.EXPLAIN_INPUT, `cannot read ${path}: ${reasonOf(cause)}${hint}`, {
      cause,
    });
  });
  return { name: path, text };
}

/**
 * The targets of the pod file's text (named `path`: a file's, or `stdin`), read as `kubectl apply`
 * reads it, by the policy files' reader (parseDocuments: YAML 1.1 scalars as go-yaml v2 resolves
 * them, merge keys; duplicate keys, ambiguous merges and alias bombs refused, named by document and
 * line). Standard input with no document says so, with how to pipe pods in.
 */
function targetsOfText(path: string, text: string): ExplainTargets {
  const { documents, problems } = parseDocuments(path, text);
  if (problems.length > 0)
    throw new ExtenderError(EXT_ERR.EXPLAIN_INPUT, problems.map(describeProblem).join('; '));
  if (documents.length === 0 && path === STDIN_NAME) {
    throw new ExtenderError(
      EXT_ERR.EXPLAIN_INPUT,
      `${STDIN_NAME} is empty: pipe the pods in (kubectl get pod NAME -o yaml | corral explain - --policies PATH)`,
    );
  }
  const found = explainTargets(
    documents.map((document) => document.value),
    path,
  );
  const refused = found.targets.flatMap((target) =>
    nonStringMetadataFields(target.pod).map((error) => `${target.title}: ${error.field}: ${error.message}`),
  );
  if (refused.length > 0) throw new ExtenderError(EXT_ERR.EXPLAIN_INPUT, `${path}: ${refused.join('; ')}`);
  return found;
}

const departmentOf = (department: string | undefined) =>
  department === undefined ? 'no department' : `department ${department}`;

/** `pod NS/NAME (department D): fits N of M nodes`; `owner` says `system namespace` for such a pod. */
function heading(title: string, owner: string, rows: readonly ExplainRow[]): string {
  const fits = rows.filter((row) => row.verdict === 'fits').length;
  return `${title} (${owner}): fits ${fits} of ${rows.length} nodes`;
}

function toCells(rows: readonly ExplainRow[]): string[][] {
  return [
    ['NODE', 'VERDICT', 'RULE', 'SCORE', 'REASON'],
    ...rows.map((row) => [
      row.node,
      row.verdict,
      row.rules.join(',') || '-',
      row.score === undefined ? '-' : String(row.score),
      row.reason || '-',
    ]),
  ];
}

function absolute(cwd: string, path: string): string {
  return isAbsolute(path) ? path : resolve(cwd, path);
}
