import { resolve } from 'node:path';
import jsonPatch from 'fast-json-patch';
import type { ClusterSnapshot, SnapshotSink } from '@corral/cluster';
import { isDenial, type Decision } from '../decide/decision.js';
import { mutatePod } from '../decide/mutate.js';
import type { AdmissionRequest } from '../decide/request.js';
import { DEFAULT_RULE_SETTINGS, type RuleSettings } from '../decide/settings.js';
import { validateRequest } from '../decide/validate.js';
import type { ManifestObject } from '../effects/read-manifests.js';
import { ReservationLedger } from '../effects/reservation-ledger.js';
import { ageClock, dateAfter } from './check-ages.js';
import { CHECK_HELP, CHECK_USAGE, parseCheckArgs, type CheckArgs } from './check-args.js';
import { formatChecked, type CheckedObject } from './check-format.js';
import { readCheckInput, shownName } from './check-input.js';
import { isPolicyKind, isReviewed, requestFor } from './check-request.js';
import { loadCheckSnapshot } from './check-snapshot.js';
import { describeFailure, type CommandIo } from './command-io.js';

export type { CheckedObject } from './check-format.js';

export interface CheckReport {
  readonly objects: readonly CheckedObject[];
  readonly denied: number;
}

/** The snapshot check reads, and writes what it admits to (a SnapshotStore). */
export type CheckSnapshot = ClusterSnapshot & Pick<SnapshotSink, 'upsert'>;

export interface CheckOptions {
  readonly settings?: RuleSettings;
  /** Namespace of namespaced objects that name none; `default` as with kubectl. */
  readonly namespace?: string;
}

const NAME_LABEL = 'kubernetes.io/metadata.name';

function existsIn(snapshot: ClusterSnapshot, request: AdmissionRequest): boolean {
  const { namespace, name } = request;
  if (!namespace || !name) return false;
  if (request.kind.kind === 'Pod') return snapshot.pod(namespace, name) !== undefined;
  return request.kind.kind === 'PersistentVolumeClaim' && snapshot.pvc(namespace, name) !== undefined;
}

function newestPolicyDate(snapshot: ClusterSnapshot): number {
  const policies = [...snapshot.namespaces()].map((ns) => snapshot.namespacePolicy(ns.name));
  return dateAfter([...snapshot.departments(), ...policies]);
}

/** A namespace as the API server stores it: with its name label (set by kube-apiserver since 1.21). */
function withNameLabel(namespace: unknown, name: string): unknown {
  const object = namespace as { metadata?: { labels?: Record<string, unknown> } };
  const metadata = object.metadata ?? {};
  return { ...object, metadata: { ...metadata, labels: { ...metadata.labels, [NAME_LABEL]: name } } };
}

/** An admitted Namespace, Department or NamespacePolicy exists for the objects after it. */
function applyAdmitted(snapshot: CheckSnapshot, request: AdmissionRequest, source: string): void {
  const kind = request.kind;
  if (kind.group === '' && kind.kind === 'Namespace')
    snapshot.upsert('Namespace', withNameLabel(request.object, String(request.name)), source);
  else if (isPolicyKind(kind))
    snapshot.upsert(kind.kind as 'Department' | 'NamespacePolicy', request.object, source);
}

function notesOn(request: AdmissionRequest, snapshot: ClusterSnapshot, settings: RuleSettings): string[] {
  const namespace = request.namespace;
  if (namespace === undefined || settings.systemNamespaces.includes(namespace)) return [];
  if (snapshot.namespace(namespace) !== undefined) return [];
  return [`namespace ${namespace} is not in the policies: checked as a namespace of no department`];
}

const titleOf = (request: AdmissionRequest): string =>
  `${request.kind.kind} ${request.namespace ? `${request.namespace}/${request.name}` : String(request.name)}`;

/**
 * Runs the webhooks' decisions offline over manifests, in order, as if each object were created after
 * the one before: mutation first (as the API server does), then validation of the mutated object.
 * Quota reservations carry from one object to the next, so a file of many pods is counted together;
 * objects already in the snapshot are checked as updates (no mutation; a pod or claim that asks more
 * than the snapshot counts for it is checked and reserved as a resize). An admitted
 * Namespace, Department or NamespacePolicy joins the snapshot, and each new policy object is newer
 * than every policy before it. Objects of API groups the webhooks are not registered for pass, noted.
 */
export function checkManifests(
  items: readonly ManifestObject[],
  snapshot: CheckSnapshot,
  options: CheckOptions = {},
): CheckReport {
  const settings = options.settings ?? DEFAULT_RULE_SETTINGS;
  const context = { namespace: options.namespace ?? 'default', createdAt: 0 };
  const nextDate = ageClock(newestPolicyDate(snapshot));
  const ledger = new ReservationLedger({ ttlMs: Number.MAX_SAFE_INTEGER, isCounted: () => false });
  const objects = items.map((item, index): CheckedObject => {
    const request = requestFor(item, index, { ...context, createdAt: nextDate() });
    const base = { source: item.source, title: titleOf(request) };
    if (!isReviewed(request.kind)) {
      const note = `${request.kind.group}/${request.kind.version} is not reviewed by Corral's admission webhooks`;
      return { ...base, allowed: true, patch: [], decisions: [], notes: [note] };
    }
    const notes = notesOn(request, snapshot, settings);
    // An object the snapshot already holds is already counted and was mutated when it was created
    // (the mutating webhook sees CREATE only): check it as an update, unmutated; its growth over what
    // the snapshot counts is checked against the quotas as a resize (the old object has no spec).
    const known = existsIn(snapshot, request);
    const mutation = known ? { decisions: [] } : mutatePod(request, snapshot, settings);
    const mutated = mutation.mutated ?? request.object;
    const asUpdate = known ? { operation: 'UPDATE' as const, oldObject: {} } : {};
    const validation = validateRequest(
      { ...request, object: mutated, ...asUpdate },
      snapshot,
      settings,
      ledger.reads(),
    );
    const decisions: Decision[] = [...mutation.decisions, ...validation.decisions];
    const allowed = !decisions.some(isDenial);
    const demand = allowed ? validation.demand : undefined;
    if (demand) ledger.reserve(demand.key, demand.scopes, demand.usage, undefined, demand.target);
    if (allowed) applyAdmitted(snapshot, request, item.source);
    const patch = mutation.mutated
      ? jsonPatch.compare(request.object as object, mutation.mutated as object)
      : [];
    return {
      ...base,
      allowed,
      patch,
      decisions,
      notes,
      ...(patch.length > 0 ? { before: request.object } : {}),
    };
  });
  return { objects, denied: objects.filter((o) => !o.allowed).length };
}

const listed = (problems: readonly string[]): string => problems.map((p) => `  - ${p}`).join('\n');

async function runCheck(args: CheckArgs, io: CommandIo): Promise<number> {
  const loaded = await loadCheckSnapshot(
    resolve(io.cwd, args.policies),
    args.settings.gpuResources,
    args.settings.systemNamespaces,
  );
  if (!loaded.ok) {
    io.stderr(`corral check: the policies in ${args.policies} have problems:\n${listed(loaded.problems)}\n`);
    return 2;
  }
  const manifests = await readCheckInput(args.files, io);
  if (manifests.problems.length > 0) {
    io.stderr(`corral check: cannot read the manifests:\n${listed(manifests.problems)}\n`);
    return 2;
  }
  if (manifests.objects.length === 0) {
    io.stderr(`corral check: no objects found in ${args.files.map(shownName).join(', ')}\n`);
    return 2;
  }
  const report = checkManifests(manifests.objects, loaded.snapshot, {
    settings: args.settings,
    namespace: args.namespace,
  });
  for (const item of report.objects) io.stdout(formatChecked(item));
  io.stdout(`${report.objects.length} object(s) checked, ${report.denied} denied\n`);
  return report.denied > 0 ? 1 : 0;
}

/** `corral check -f MANIFESTS --policies PATH`: exit 0 all admitted, 1 something denied, 2 bad input. */
export async function checkCommand(args: readonly string[], io: CommandIo): Promise<number> {
  const parsed = parseCheckArgs(args);
  if (parsed.kind === 'help') {
    io.stdout(CHECK_HELP);
    return 0;
  }
  if (parsed.kind === 'error') {
    io.stderr(`corral check: ${parsed.message}\n${CHECK_USAGE}\n`);
    return 2;
  }
  try {
    return await runCheck(parsed.args, io);
  } catch (err) {
    // Bad input that slipped past the readers (a file that cannot be read, ...): never a denial's 1.
    io.stderr(`corral check: ${describeFailure(err)}\n`);
    return 2;
  }
}
