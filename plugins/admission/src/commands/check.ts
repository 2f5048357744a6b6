import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import jsonPatch from 'fast-json-patch';
import type { ClusterSnapshot } from '@corral/cluster';
import { isDenial, type Decision } from '../decide/decision.js';
import { mutatePod } from '../decide/mutate.js';
import type { AdmissionRequest } from '../decide/request.js';
import { DEFAULT_RULE_SETTINGS, type RuleSettings } from '../decide/settings.js';
import { validateRequest } from '../decide/validate.js';
import { loadPolicySnapshot } from '../effects/load-policy-snapshot.js';
import { readManifests, type ManifestObject } from '../effects/read-manifests.js';
import { ReservationLedger } from '../effects/reservation-ledger.js';
import { formatChecked, type CheckedObject } from './check-format.js';
import { describeFailure, type CommandIo } from './command-io.js';

export type { CheckedObject } from './check-format.js';

export interface CheckReport {
  readonly objects: readonly CheckedObject[];
  readonly denied: number;
}

const USAGE = 'usage: corral check -f MANIFESTS [-f MORE] --policies PATH';

function requestFor(item: ManifestObject, index: number): AdmissionRequest {
  const object = item.object;
  const apiVersion = typeof object['apiVersion'] === 'string' ? object['apiVersion'] : 'v1';
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const metadata = (object['metadata'] ?? {}) as { name?: string; namespace?: string; generateName?: string };
  const kind = typeof object['kind'] === 'string' ? object['kind'] : '(no kind)';
  const cluster = ['Namespace', 'Department', 'Node'].includes(kind);
  const namespace = cluster ? undefined : (metadata.namespace ?? 'default');
  const name = metadata.name ?? `${metadata.generateName ?? 'object'}${index}`;
  return {
    uid: `check-${index}`,
    kind: { group: group ?? '', version: version ?? 'v1', kind },
    name,
    ...(namespace ? { namespace } : {}),
    operation: 'CREATE',
    object: { ...object, metadata: { ...metadata, name, ...(namespace ? { namespace } : {}) } },
  };
}

function existsIn(snapshot: ClusterSnapshot, request: AdmissionRequest): boolean {
  const { namespace, name } = request;
  if (!namespace || !name) return false;
  if (request.kind.kind === 'Pod') return snapshot.pod(namespace, name) !== undefined;
  return request.kind.kind === 'PersistentVolumeClaim' && snapshot.pvc(namespace, name) !== undefined;
}

/**
 * Runs the webhooks' decisions offline over manifests: mutation first (as the API server does), then
 * validation of the mutated object. Quota reservations carry from one object to the next, so a file
 * of many pods is counted together; objects already in the policy snapshot count once, not twice.
 */
export function checkManifests(
  items: readonly ManifestObject[],
  snapshot: ClusterSnapshot,
  settings: RuleSettings = DEFAULT_RULE_SETTINGS,
): CheckReport {
  const ledger = new ReservationLedger({ ttlMs: Number.MAX_SAFE_INTEGER, isCounted: () => false });
  const objects = items.map((item, index): CheckedObject => {
    const request = requestFor(item, index);
    const mutation = mutatePod(request, snapshot, settings);
    const mutated = mutation.mutated ?? request.object;
    // An object the snapshot already holds is already counted: check it as an update (no quota).
    const asUpdate = existsIn(snapshot, request) ? { operation: 'UPDATE' as const, oldObject: {} } : {};
    const validation = validateRequest(
      { ...request, object: mutated, ...asUpdate },
      snapshot,
      settings,
      ledger.reads(),
    );
    const decisions: Decision[] = [...mutation.decisions, ...validation.decisions];
    const allowed = !decisions.some(isDenial);
    if (allowed && validation.demand)
      ledger.reserve(validation.demand.key, validation.demand.scopes, validation.demand.usage);
    const patch = mutation.mutated
      ? jsonPatch.compare(request.object as object, mutation.mutated as object)
      : [];
    const where = request.namespace ? `${request.namespace}/${request.name}` : String(request.name);
    return { source: item.source, title: `${request.kind.kind} ${where}`, allowed, patch, decisions };
  });
  return { objects, denied: objects.filter((o) => !o.allowed).length };
}

/** `corral check -f MANIFESTS --policies PATH`: exit 0 all admitted, 1 something denied, 2 bad input. */
export async function checkCommand(args: readonly string[], io: CommandIo): Promise<number> {
  let files: string[];
  let policies: string | undefined;
  try {
    const parsed = parseArgs({
      args: [...args],
      options: { file: { type: 'string', short: 'f', multiple: true }, policies: { type: 'string' } },
      strict: true,
    });
    files = parsed.values.file ?? [];
    policies = parsed.values.policies;
  } catch (err) {
    io.stderr(`corral check: ${describeFailure(err)}\n${USAGE}\n`);
    return 2;
  }
  if (files.length === 0 || !policies) {
    io.stderr(
      `corral check: ${files.length === 0 ? '-f MANIFESTS' : '--policies PATH'} is required\n${USAGE}\n`,
    );
    return 2;
  }
  const loaded = await loadPolicySnapshot(resolve(io.cwd, policies));
  if (!loaded.ok) {
    io.stderr(
      `corral check: the policies in ${policies} have problems:\n${loaded.problems.map((p) => `  - ${p}`).join('\n')}\n`,
    );
    return 2;
  }
  const manifests = await readManifests(files.map((file) => resolve(io.cwd, file)));
  if (manifests.problems.length > 0) {
    io.stderr(
      `corral check: cannot read the manifests:\n${manifests.problems.map((p) => `  - ${p}`).join('\n')}\n`,
    );
    return 2;
  }
  const report = checkManifests(manifests.objects, loaded.snapshot);
  for (const item of report.objects) io.stdout(formatChecked(item));
  io.stdout(`${report.objects.length} object(s) checked, ${report.denied} denied\n`);
  return report.denied > 0 ? 1 : 0;
}
