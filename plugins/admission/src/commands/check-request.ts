import type { AdmissionRequest, GroupVersionKind } from '../decide/request.js';
import type { ManifestObject } from '../effects/read-manifests.js';
import { textOf } from '../decide/pod-spec.js';
import { withCreationTimestamp } from './check-ages.js';

/** Kinds without a namespace among those check reads. */
const CLUSTER_SCOPED: ReadonlySet<string> = new Set(['Namespace', 'Node', 'PersistentVolume', 'Department']);

/** The API groups and versions Corral's webhooks are registered for (deploy/admission/webhooks.yaml). */
const REVIEWED_VERSIONS: ReadonlyMap<string, readonly string[]> = new Map([
  ['', ['v1']],
  ['apps', ['v1']],
  ['batch', ['v1']],
  ['corral.dev', ['v1alpha1']],
]);

/** Would the API server send an object of this group and version to Corral's webhooks? */
export function isReviewed(kind: GroupVersionKind): boolean {
  return REVIEWED_VERSIONS.get(kind.group)?.includes(kind.version) === true;
}

/** `apps/v1` → group `apps`, version `v1`; `v1` → the core group. */
export function groupVersionOf(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

export const isPolicyKind = (kind: GroupVersionKind): boolean =>
  kind.group === 'corral.dev' && (kind.kind === 'Department' || kind.kind === 'NamespacePolicy');

type Metadata = { name?: unknown; namespace?: unknown; generateName?: unknown };

export interface RequestContext {
  /** The namespace of namespaced objects that name none (`-n`, else `default`), as kubectl does. */
  readonly namespace: string;
  /** The creation date of a policy object that carries none (ms). */
  readonly createdAt: number;
}

/** The CREATE request the API server would send for a manifest object. */
export function requestFor(item: ManifestObject, index: number, context: RequestContext): AdmissionRequest {
  const object = item.object;
  const apiVersion = textOf(object['apiVersion']) ?? 'v1';
  const kind: GroupVersionKind = {
    ...groupVersionOf(apiVersion),
    kind: textOf(object['kind']) ?? '(no kind)',
  };
  const metadata = (object['metadata'] ?? {}) as Metadata;
  const namespace = CLUSTER_SCOPED.has(kind.kind)
    ? undefined
    : (textOf(metadata.namespace) ?? context.namespace);
  const name = textOf(metadata.name) ?? `${textOf(metadata.generateName) ?? 'object'}${index}`;
  const named = { ...object, metadata: { ...metadata, name, ...(namespace ? { namespace } : {}) } };
  return {
    uid: `check-${index}`,
    kind,
    name,
    ...(namespace ? { namespace } : {}),
    operation: 'CREATE',
    object: isPolicyKind(kind) ? withCreationTimestamp(named, context.createdAt) : named,
  };
}
