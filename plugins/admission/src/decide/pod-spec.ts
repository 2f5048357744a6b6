/**
 * Where a pod spec lives in each workload kind, and the containers in it. Pods carry it at `spec`;
 * Deployments, StatefulSets, DaemonSets, ReplicaSets and Jobs at `spec.template.spec`; CronJobs at
 * `spec.jobTemplate.spec.template.spec`.
 */
export type JsonObject = Record<string, unknown>;

export const CONTAINER_LISTS = ['initContainers', 'containers', 'ephemeralContainers'] as const;
export type ContainerList = (typeof CONTAINER_LISTS)[number];

const TEMPLATE_KINDS: ReadonlySet<string> = new Set([
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'Job',
  'ReplicationController',
]);

export function asObject(value: unknown): JsonObject | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as JsonObject)
    : undefined;
}

/** A field's text: a non-empty string, else undefined. */
export function textOf(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Path of the pod spec inside an object of `kind`; undefined for kinds that hold no pod. */
export function podSpecPath(kind: string): readonly string[] | undefined {
  if (kind === 'Pod') return ['spec'];
  if (TEMPLATE_KINDS.has(kind)) return ['spec', 'template', 'spec'];
  if (kind === 'CronJob') return ['spec', 'jobTemplate', 'spec', 'template', 'spec'];
  return undefined;
}

/** Does an object of this kind carry a pod spec (a pod or a pod template)? */
export function holdsPodSpec(kind: string): boolean {
  return podSpecPath(kind) !== undefined;
}

/** The pod spec of an object, or undefined when the kind holds none or the object lacks it. */
export function podSpecOf(kind: string, object: unknown): JsonObject | undefined {
  const path = podSpecPath(kind);
  if (path === undefined) return undefined;
  let node: JsonObject | undefined = asObject(object);
  for (const key of path) node = asObject(node?.[key]);
  return node;
}

/** The metadata where pod labels go: the pod's own, or the template's. */
export function podMetadataOf(kind: string, object: unknown): JsonObject | undefined {
  const path = podSpecPath(kind);
  if (path === undefined) return undefined;
  let node: JsonObject | undefined = asObject(object);
  for (const key of path.slice(0, -1)) node = asObject(node?.[key]);
  return asObject(node?.['metadata']);
}

export interface ContainerAt {
  readonly list: ContainerList;
  readonly index: number;
  readonly container: JsonObject;
}

/** Every container of a pod spec, init and ephemeral ones included, with where it sits. */
export function containersOf(spec: JsonObject | undefined): ContainerAt[] {
  const found: ContainerAt[] = [];
  for (const list of CONTAINER_LISTS) {
    const items = spec?.[list];
    if (!Array.isArray(items)) continue;
    items.forEach((item: unknown, index) => {
      const container = asObject(item);
      if (container) found.push({ list, index, container });
    });
  }
  return found;
}

/** `containers[0] (app)`: how a message names a container. */
export function describeContainer(at: ContainerAt): string {
  const name = typeof at.container['name'] === 'string' ? ` "${at.container['name']}"` : '';
  return `${at.list}[${at.index}]${name}`;
}
