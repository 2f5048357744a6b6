import type { AdmissionRequest, GroupVersionKind } from '../decide/request.js';
import type { ManifestObject } from '../effects/read-manifests.js';
import { textOf } from '../decide/pod-spec.js';
import { withCreationTimestamp } from './check-ages.js';

/**
 * Cluster-scoped kinds, by API group: those check reviews, and the common ones of groups it does not
 * review (a StorageClass is shown as `StorageClass corral-rbd`, not in the namespace `-n` gives).
 */
const CLUSTER_SCOPED: ReadonlyMap<string, readonly string[]> = new Map([
  ['', ['Namespace', 'Node', 'PersistentVolume', 'ComponentStatus']],
  ['corral.dev', ['Department']],
  ['storage.k8s.io', ['StorageClass', 'CSIDriver', 'CSINode', 'VolumeAttachment', 'VolumeAttributesClass']],
  ['snapshot.storage.k8s.io', ['VolumeSnapshotClass', 'VolumeSnapshotContent']],
  ['rbac.authorization.k8s.io', ['ClusterRole', 'ClusterRoleBinding']],
  ['apiextensions.k8s.io', ['CustomResourceDefinition']],
  [
    'admissionregistration.k8s.io',
    [
      'MutatingWebhookConfiguration',
      'ValidatingWebhookConfiguration',
      'ValidatingAdmissionPolicy',
      'ValidatingAdmissionPolicyBinding',
      'MutatingAdmissionPolicy',
      'MutatingAdmissionPolicyBinding',
    ],
  ],
  ['scheduling.k8s.io', ['PriorityClass']],
  ['node.k8s.io', ['RuntimeClass']],
  ['networking.k8s.io', ['IngressClass', 'IPAddress', 'ServiceCIDR']],
  ['apiregistration.k8s.io', ['APIService']],
  ['certificates.k8s.io', ['CertificateSigningRequest', 'ClusterTrustBundle']],
  ['flowcontrol.apiserver.k8s.io', ['FlowSchema', 'PriorityLevelConfiguration']],
]);

/** Does an object of this kind have no namespace? */
export const isClusterScoped = (kind: GroupVersionKind): boolean =>
  CLUSTER_SCOPED.get(kind.group)?.includes(kind.kind) === true;

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
  const namespace = isClusterScoped(kind) ? undefined : (textOf(metadata.namespace) ?? context.namespace);
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
