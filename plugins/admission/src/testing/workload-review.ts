import type { AdmissionRequest, GroupVersionKind, Operation } from '../decide/request.js';

type Json = Record<string, unknown>;

/** The kinds that hold a pod spec, Pod first, then each workload kind the webhooks judge. */
export const POD_SPEC_KINDS: Record<string, GroupVersionKind> = {
  Pod: { group: '', version: 'v1', kind: 'Pod' },
  ReplicationController: { group: '', version: 'v1', kind: 'ReplicationController' },
  Deployment: { group: 'apps', version: 'v1', kind: 'Deployment' },
  StatefulSet: { group: 'apps', version: 'v1', kind: 'StatefulSet' },
  DaemonSet: { group: 'apps', version: 'v1', kind: 'DaemonSet' },
  ReplicaSet: { group: 'apps', version: 'v1', kind: 'ReplicaSet' },
  Job: { group: 'batch', version: 'v1', kind: 'Job' },
  CronJob: { group: 'batch', version: 'v1', kind: 'CronJob' },
};

/** An object of `kind` holding the pod spec where that kind does, with `spec` fields beside it. */
export function holding(kind: string, podSpec: Json, spec: Json = {}): Json {
  if (kind === 'Pod') return { spec: podSpec };
  if (kind === 'CronJob')
    return { spec: { ...spec, jobTemplate: { spec: { template: { spec: podSpec } } } } };
  return { spec: { ...spec, template: { metadata: { labels: { app: 'a' } }, spec: podSpec } } };
}

/** A review of `object` (named `w`) of `kind` in `namespace`. */
export function workloadReview(
  kind: string,
  object: Json,
  operation: Operation = 'CREATE',
  oldObject?: Json,
  namespace = 'lab',
): AdmissionRequest {
  const gvk = POD_SPEC_KINDS[kind];
  if (gvk === undefined) throw new Error(`no kind ${kind}`);
  return {
    uid: 'u',
    kind: gvk,
    namespace,
    name: 'w',
    operation,
    object,
    ...(oldObject ? { oldObject } : {}),
  };
}
