import { randomUUID } from 'node:crypto';
import { REPLICASET_CONTROLLER, replicaPods } from '../decide/replicas.js';
import {
  applyPatch,
  createReview,
  describePatch,
  objectName,
  readAnswer,
  type Json,
  type Requester,
  type ReviewAnswer,
} from '../decide/review.js';
import type { Manifest } from '../effects/manifests.js';
import type { StoredObjects } from '../effects/stored-objects.js';
import { postJson } from '../transport/http-json.js';
import type { AdmissionRow } from './report.js';

/**
 * kube-apiserver's part, for each manifest in order: which webhook a CREATE goes to (the rules of
 * deploy/admission/webhooks.yaml: /mutate for pods, /validate for pods, claims and workload
 * controllers), the AdmissionReview over HTTPS, the JSONPatch applied, the object stored when allowed,
 * and, for an admitted Deployment, the pods its ReplicaSet creates, reviewed in turn.
 */
export interface AdmissionSection {
  readonly rows: AdmissionRow[];
  /** Objects no webhook rule selects (StorageClasses…): kept for the later sections. */
  readonly notReviewed: Json[];
  /** Admitted pods and claims, as stored (mutated, with uids). */
  readonly pods: Json[];
  readonly claims: Json[];
  /** Objects a webhook denied, as sent. */
  readonly denied: Json[];
}

const TENANT: Requester = { username: 'demo-tenant', groups: ['system:authenticated'] };
const MUTATED_KINDS = new Set(['Pod']);
const VALIDATED_KINDS = new Set(['Pod', 'PersistentVolumeClaim', 'ReplicationController']);
const VALIDATED_GROUPS = new Set(['apps', 'batch']);

const isValidated = (object: Json): boolean => {
  const apiVersion = String(object['apiVersion'] ?? '');
  const group = apiVersion.includes('/') ? (apiVersion.split('/')[0] ?? '') : '';
  return group === '' ? VALIDATED_KINDS.has(String(object['kind'])) : VALIDATED_GROUPS.has(group);
};

export async function runAdmission(
  manifests: readonly Manifest[],
  webhook: { url: string; ca: string },
  stored: StoredObjects,
): Promise<AdmissionSection> {
  const section: AdmissionSection = { rows: [], notReviewed: [], pods: [], claims: [], denied: [] };
  for (const { object } of manifests) {
    if (!isValidated(object)) {
      section.notReviewed.push(object);
      continue;
    }
    const admitted = await review(object, TENANT, webhook, section.rows);
    if (!admitted) {
      section.denied.push(object);
      continue;
    }
    if (object['kind'] === 'Pod') section.pods.push(stored.create(admitted));
    else if (object['kind'] === 'PersistentVolumeClaim') section.claims.push(stored.create(admitted));
    else if (object['kind'] === 'Deployment') {
      for (const pod of replicaPods(admitted)) {
        const created = await review(
          pod,
          REPLICASET_CONTROLLER,
          webhook,
          section.rows,
          `Deployment ${objectName(admitted)}`,
        );
        if (created) section.pods.push(stored.create(created));
      }
    }
  }
  await stored.save();
  return section;
}

/** One object through /mutate (pods) then /validate; adds its row; returns the object when admitted. */
async function review(
  object: Json,
  requester: Requester,
  webhook: { url: string; ca: string },
  rows: AdmissionRow[],
  createdBy?: string,
): Promise<Json | undefined> {
  let current = object;
  let patched = '-';
  if (MUTATED_KINDS.has(String(object['kind']))) {
    const mutation = await send('/mutate', current, requester, webhook);
    if (mutation.allowed && mutation.patch.length > 0) {
      current = applyPatch(object, mutation.patch);
      patched = describePatch(mutation.patch, object, current);
    }
    if (!mutation.allowed) {
      rows.push(rowOf(object, mutation, patched, createdBy));
      return undefined;
    }
  }
  const validation = await send('/validate', current, requester, webhook);
  rows.push(rowOf(object, validation, patched, createdBy));
  return validation.allowed ? current : undefined;
}

async function send(
  path: string,
  object: Json,
  requester: Requester,
  webhook: { url: string; ca: string },
): Promise<ReviewAnswer> {
  const uid = randomUUID();
  const reply = await postJson(`${webhook.url}${path}`, createReview(object, uid, requester), {
    ca: webhook.ca,
  });
  if (reply.status !== 200) {
    throw new Error(
      `POST ${path} for ${objectName(object)}: HTTP ${reply.status} ${JSON.stringify(reply.body)}`,
    );
  }
  return readAnswer(reply.body, uid);
}

function rowOf(
  object: Json,
  answer: ReviewAnswer,
  patched: string,
  createdBy: string | undefined,
): AdmissionRow {
  const audit = Object.entries(answer.auditAnnotations).map(
    // kube-apiserver records each key under the webhook's name, e.g. workloads.validate.corral.dev/audit.
    ([key, value]) => `audit annotation <webhook>/${key}: ${value}`,
  );
  const why = answer.allowed
    ? [...answer.warnings.map((w) => `warning: ${w}`), ...audit]
    : [`denied: ${answer.message ?? `HTTP ${answer.code ?? 403}`}`];
  return {
    object: `${String(object['kind'])} ${objectName(object)}`,
    ...(createdBy ? { createdBy } : {}),
    outcome: !answer.allowed ? 'denied' : answer.warnings.length > 0 ? 'allowed with warnings' : 'allowed',
    audited: answer.allowed && audit.length > 0,
    patched,
    why,
    rules: [
      ...new Set(why.flatMap((text) => [...text.matchAll(/\[([a-z][a-z-]*)\]/g)].map((m) => m[1] ?? ''))),
    ],
  };
}
