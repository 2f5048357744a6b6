import type { Json } from './review.js';

/**
 * What the Deployment and ReplicaSet controllers do once a Deployment is admitted: a ReplicaSet named
 * after the pod template's hash, and `replicas` Pods from the template, each carrying the template's
 * labels plus `pod-template-hash` and owned by the ReplicaSet. The pods then meet the webhooks like any
 * other pod (their requester is the ReplicaSet controller, not the tenant).
 */
export const REPLICASET_CONTROLLER = {
  username: 'system:serviceaccount:kube-system:replicaset-controller',
  groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'],
} as const;

const asJson = (value: unknown): Json | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;

/** FNV-1a of the template, in the alphabet kube-controller-manager uses for pod-template-hash. */
export function templateHash(template: unknown): string {
  let hash = 0x811c9dc5;
  for (const char of JSON.stringify(template ?? null)) {
    hash ^= char.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  let out = '';
  do {
    out += alphabet[hash % alphabet.length];
    hash = Math.floor(hash / alphabet.length);
  } while (hash > 0);
  return out;
}

/** Given an admitted Deployment, returns the Pods its ReplicaSet creates (none for a bad object). */
export function replicaPods(deployment: Json): Json[] {
  const metadata = asJson(deployment['metadata']) ?? {};
  const spec = asJson(deployment['spec']) ?? {};
  const template = asJson(spec['template']);
  const podSpec = asJson(template?.['spec']);
  if (!template || !podSpec) return [];
  const replicas = typeof spec['replicas'] === 'number' ? spec['replicas'] : 1;
  const hash = templateHash(template);
  const replicaSet = `${String(metadata['name'])}-${hash}`;
  const templateMeta = asJson(template['metadata']) ?? {};
  return Array.from({ length: replicas }, (_, index) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      ...templateMeta,
      name: `${replicaSet}-${podSuffix(hash, index)}`,
      namespace: metadata['namespace'],
      labels: { ...(asJson(templateMeta['labels']) ?? {}), 'pod-template-hash': hash },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: replicaSet,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: structuredClone(podSpec),
  }));
}

function podSuffix(hash: string, index: number): string {
  return templateHash(`${hash}/${index}`).slice(0, 5);
}
