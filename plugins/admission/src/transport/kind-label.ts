/**
 * The object kinds the webhooks are registered for (deploy/admission/webhooks.yaml). A review's
 * `kind` comes from the request body, so it is used as a metric label only when it is one of these:
 * anything else is counted as OTHER_KIND, keeping the number of series fixed whatever is sent.
 */
export const WEBHOOK_KINDS: ReadonlySet<string> = new Set([
  'Pod',
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'ReplicationController',
  'Job',
  'CronJob',
  'PersistentVolumeClaim',
  'Namespace',
  'Department',
  'NamespacePolicy',
]);

/** The `kind` label of a review whose kind is not in WEBHOOK_KINDS. */
export const OTHER_KIND = 'other';

/** Given a review's object kind, returns its metric label: the kind itself if known, else `other`. */
export function kindLabel(kind: unknown): string {
  return typeof kind === 'string' && WEBHOOK_KINDS.has(kind) ? kind : OTHER_KIND;
}
