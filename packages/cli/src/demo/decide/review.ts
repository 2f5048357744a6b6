import jsonPatch, { type Operation } from 'fast-json-patch';
import { groupVersionOf } from '@corral/admission';

/**
 * AdmissionReview v1 as kube-apiserver writes it for a CREATE, and its answer read back: allowed or
 * denied and why, warnings, audit annotations, and the JSONPatch applied to the object.
 */
export type Json = Record<string, unknown>;

export interface Requester {
  readonly username: string;
  readonly groups: readonly string[];
}

export interface ReviewAnswer {
  readonly allowed: boolean;
  readonly code?: number;
  readonly message?: string;
  readonly warnings: readonly string[];
  readonly auditAnnotations: Readonly<Record<string, string>>;
  readonly patch: readonly Operation[];
}

const asJson = (value: unknown): Json | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/** `Pod` → `pods`, `NetworkPolicy` → `networkpolicies`: the plural resource name of a kind. */
export function resourceOf(kind: string): string {
  const lower = kind.toLowerCase();
  if (/[^aeiou]y$/.test(lower)) return `${lower.slice(0, -1)}ies`;
  return /(s|x|ch|sh)$/.test(lower) ? `${lower}es` : `${lower}s`;
}

export { groupVersionOf };

/** The object's `namespace/name` (or `name` when cluster-scoped). */
export function objectName(object: Json): string {
  const metadata = asJson(object['metadata']);
  const namespace = text(metadata?.['namespace']);
  const name = text(metadata?.['name']);
  return namespace ? `${namespace}/${name}` : name;
}

/** The AdmissionReview a CREATE of `object` produces, with the given request uid and requester. */
export function createReview(object: Json, uid: string, requester: Requester): Json {
  const { group, version } = groupVersionOf(text(object['apiVersion']));
  const kind = text(object['kind']);
  const metadata = asJson(object['metadata']) ?? {};
  const namespace = text(metadata['namespace']);
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid,
      kind: { group, version, kind },
      resource: { group, version, resource: resourceOf(kind) },
      requestKind: { group, version, kind },
      requestResource: { group, version, resource: resourceOf(kind) },
      name: text(metadata['name']),
      ...(namespace ? { namespace } : {}),
      operation: 'CREATE',
      userInfo: { username: requester.username, groups: [...requester.groups] },
      object,
      oldObject: null,
      dryRun: false,
      options: { apiVersion: 'meta.k8s.io/v1', kind: 'CreateOptions' },
    },
  };
}

/** Reads a webhook's answer; throws when it is not an AdmissionReview answering `uid`. */
export function readAnswer(body: unknown, uid: string): ReviewAnswer {
  const response = asJson(asJson(body)?.['response']);
  if (!response || typeof response['allowed'] !== 'boolean') {
    throw new Error(`the answer is not an AdmissionReview response: ${JSON.stringify(body).slice(0, 200)}`);
  }
  if (response['uid'] !== uid) throw new Error(`the answer's uid ${String(response['uid'])} is not ${uid}`);
  const status = asJson(response['status']);
  const code = typeof status?.['code'] === 'number' ? status['code'] : undefined;
  const message = text(status?.['message']);
  return {
    allowed: response['allowed'],
    ...(code === undefined ? {} : { code }),
    ...(message ? { message } : {}),
    warnings: Array.isArray(response['warnings']) ? response['warnings'].map(String) : [],
    auditAnnotations: Object.fromEntries(
      Object.entries(asJson(response['auditAnnotations']) ?? {}).map(([k, v]) => [k, String(v)]),
    ),
    patch: decodePatch(response),
  };
}

function decodePatch(response: Json): Operation[] {
  if (response['patch'] === undefined) return [];
  if (response['patchType'] !== 'JSONPatch') throw new Error('a patch must come with patchType JSONPatch');
  const ops: unknown = JSON.parse(Buffer.from(text(response['patch']), 'base64').toString('utf8'));
  if (!Array.isArray(ops)) throw new Error('the patch is not a JSON array of operations');
  return ops as Operation[];
}

/** Applies a JSONPatch to a copy of the object (the input is left untouched). */
export function applyPatch(object: Json, ops: readonly Operation[]): Json {
  if (ops.length === 0) return object;
  return jsonPatch.applyPatch(structuredClone(object), [...ops], true, false).newDocument;
}

/**
 * A short, readable summary of what a JSONPatch changed in a pod, e.g. `node affinity, 2 tolerations,
 * requests/limits of worker, pull secret harbor-finance, label corral.dev/department=finance`.
 */
export function describePatch(ops: readonly Operation[], before: Json, after: Json): string {
  const spec = asJson(after['spec']) ?? {};
  const parts = new Map<string, string>();
  const containers = new Set<string>();
  for (const op of ops) {
    const [, top = '', field = '', index = ''] = op.path.split('/');
    const where = top === 'spec' ? field : `${top}/${field}`;
    if (where === 'containers' || where === 'initContainers') {
      const list = Array.isArray(spec[where]) ? (spec[where] as unknown[]) : [];
      containers.add(text(asJson(list[Number(index)])?.['name']) || index);
      parts.set('resources', `requests/limits of ${[...containers].join(',')}`);
      continue;
    }
    const describe = DESCRIBE[where];
    parts.set(describe ? where : op.path, describe ? describe(spec, before, after) : `${op.op} ${op.path}`);
  }
  return [...parts.values()].join(', ') || '-';
}

const DESCRIBE: Readonly<Record<string, (spec: Json, before: Json, after: Json) => string>> = {
  affinity: () => 'node affinity',
  tolerations: (spec) => plural(countOf(spec['tolerations']), 'toleration'),
  imagePullSecrets: (spec) => `pull secret ${namesOf(spec['imagePullSecrets']).join(',')}`,
  'metadata/labels': (_spec, before, after) => `label ${labelsAdded(before, after)}`,
};

const countOf = (list: unknown): number => (Array.isArray(list) ? list.length : 0);
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

function namesOf(list: unknown): string[] {
  return Array.isArray(list) ? list.map((item) => text(asJson(item)?.['name'])).filter(Boolean) : [];
}

const labelsOf = (object: Json): Json => asJson(asJson(object['metadata'])?.['labels']) ?? {};

function labelsAdded(before: Json, after: Json): string {
  const old = labelsOf(before);
  return Object.entries(labelsOf(after))
    .filter(([key, value]) => old[key] !== value)
    .map(([key, value]) => `${key}=${text(value)}`)
    .join(',');
}
