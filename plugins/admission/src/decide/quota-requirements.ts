import type { NamespacePolicy, ResourceMap } from '@corral/policy';
import { fail, type Decision } from './decision.js';
import { asObject, containersOf, describeContainer, type JsonObject } from './pod-spec.js';
import { QUOTA_RULES } from './quota.js';
import { planOf, REQUIRED, type Required } from './quota-plan.js';

/** The namespace's NamespacePolicy defaults, which the mutating webhook wrote before this check. */
type Defaults = NamespacePolicy['spec']['defaults'];

/** Every REQUIRED field: the mask of a pod whose containers all say how much they take. */
const ALL_SPECIFIED = (1 << REQUIRED.length) - 1;

const isSet = (map: JsonObject | undefined, resource: string): boolean =>
  map?.[resource] !== undefined && map[resource] !== null;

/**
 * The REQUIRED fields (mask) one container specifies, as `specifies` answers for each (bits in
 * REQUIRED's order): its resources read once, each field by name.
 */
function fieldsOf(container: JsonObject): number {
  const resources = asObject(container['resources']);
  const requests = asObject(resources?.['requests']);
  const limits = asObject(resources?.['limits']);
  const cpuLimit = isSet(limits, 'cpu');
  const memoryLimit = isSet(limits, 'memory');
  const cpuRequest = cpuLimit || isSet(requests, 'cpu');
  const memoryRequest = memoryLimit || isSet(requests, 'memory');
  return (cpuRequest ? 1 : 0) | (memoryRequest ? 2 : 0) | (cpuLimit ? 4 : 0) | (memoryLimit ? 8 : 0);
}

/**
 * Does a container specify this field? A request counts as specified when the limit is set: the
 * apiserver defaults a missing request to the limit before any webhook sees the pod.
 */
function specifies(container: JsonObject, required: Required): boolean {
  const resources = asObject(container['resources']);
  const limits = asObject(resources?.['limits']);
  if (required.kind === 'limits') return isSet(limits, required.resource);
  return isSet(asObject(resources?.['requests']), required.resource) || isSet(limits, required.resource);
}

/** The resources Kubernetes takes from `spec.resources` (IsSupportedPodLevelResource). */
const isPodLevelResource = (name: string): boolean =>
  name === 'cpu' || name === 'memory' || name.startsWith('hugepages-');

/**
 * Does the pod set resources at pod level (`spec.resources` requests or limits name cpu, memory or
 * hugepages)? Then ResourceQuota requires nothing of its containers, for any resource: its
 * podEvaluator.Constraints returns at once when resourcehelper.IsPodLevelResourcesSet (the
 * PodLevelResources feature, beta and on by default since Kubernetes 1.34; with it off the API server
 * drops `spec.resources` before any webhook sees the pod). Kubernetes counts the pod-level amounts for
 * the resources named there and the containers' totals for the others, as the quotas here do.
 */
function setsPodLevelResources(spec: JsonObject | undefined): boolean {
  const resources = asObject(spec?.['resources']);
  for (const list of [asObject(resources?.['requests']), asObject(resources?.['limits'])]) {
    for (const name in list) if (Object.hasOwn(list, name) && isPodLevelResource(name)) return true;
  }
  return false;
}

/**
 * Which of the fields a quota can make compulsory every app and init container of the pod specifies,
 * as a mask for missingQuotaResources (bits: 1 requests.cpu, 2 requests.memory, 4 limits.cpu, 8
 * limits.memory; a limit stands for its request): read once per pod, whatever the number of quotas it
 * is checked against. All of them for a pod that sets resources at pod level (then nothing is
 * required of its containers) or has no container. Ephemeral containers are never required to.
 */
export function specifiedFields(spec: JsonObject | undefined): number {
  if (setsPodLevelResources(spec)) return ALL_SPECIFIED;
  return fieldsOfAll(spec?.['initContainers']) & fieldsOfAll(spec?.['containers']);
}

/** The REQUIRED fields every container of a list specifies (all of them for no list). */
function fieldsOfAll(items: unknown): number {
  let specified = ALL_SPECIFIED;
  if (!Array.isArray(items)) return specified;
  for (const item of items) {
    const container = asObject(item);
    if (container !== undefined) specified &= fieldsOf(container);
  }
  return specified;
}

/** The namespace's default for this field (a default limit stands for the request too), if any. */
function defaultFor(defaults: Defaults, required: Required): string | undefined {
  const limit = defaults?.limits?.[required.resource];
  const value = required.kind === 'limits' ? limit : (defaults?.requests?.[required.resource] ?? limit);
  return value === undefined ? undefined : String(value);
}

function describeMissing(required: Required, containers: readonly string[], defaults: Defaults): string {
  const field = `resources.${required.kind}.${required.resource}`;
  const also = required.kind === 'requests' ? ` (or resources.limits.${required.resource})` : '';
  // A default limit is written only where it is not below the container's request (else the pod
  // would be invalid), so a container can lack it with the namespace having one.
  const limit = required.kind === 'limits' ? defaultFor(defaults, required) : undefined;
  const why =
    limit === undefined
      ? ''
      : ` (at least its request: the NamespacePolicy default limit ${required.resource} ${limit} is ` +
        'written only into containers whose request fits under it)';
  return `set ${field}${also} in ${containers.join(', ')}${why}`;
}

/**
 * Given a quota scope's hard limits and a new pod's spec, returns a failure when the quota limits
 * cpu or memory (requests or limits) and some app or init container does not say how much it takes,
 * as ResourceQuota refuses such a pod ("must specify requests.cpu"): a pod without requests would
 * otherwise be free under the quota. Naming the containers and the fix; undefined when nothing is
 * missing. Ephemeral containers and extended resources (nvidia.com/gpu) are never required; nothing
 * is required of the containers of a pod that sets resources at pod level (setsPodLevelResources),
 * not even the resources it leaves out there, as ResourceQuota does. Given the namespace's
 * defaults, a missing limit the namespace has a default for says why that default is not there, and
 * asking for a default is suggested only for fields that have none. `where` prefixes each container
 * named (a workload's `spec.template.spec.`; nothing for a pod).
 */
export function missingQuotaResources(
  scope: { readonly kind: 'namespace' | 'department'; readonly name: string; readonly hard: ResourceMap },
  spec: JsonObject | undefined,
  defaults?: Defaults,
  specified: number = specifiedFields(spec),
  where = '',
): Decision | undefined {
  const { fields, mask } = planOf(scope.hard);
  if ((specified & mask) === mask) return undefined;
  const containers = containersOf(spec);
  const missing: string[] = [];
  const keys: string[] = [];
  let undefaulted = false;
  for (const required of fields) {
    // Asked of every pod CREATE under a quota: lists are made only when a container lacks the field.
    let without: string[] | undefined;
    for (const at of containers) {
      if (at.list === 'ephemeralContainers' || specifies(at.container, required)) continue;
      (without ??= []).push(where + describeContainer(at));
    }
    if (without === undefined) continue;
    keys.push(`${required.kind}.${required.resource}`);
    missing.push(describeMissing(required, without, defaults));
    undefaulted ||= defaultFor(defaults, required) === undefined;
  }
  if (missing.length === 0) return undefined;
  const owner =
    scope.kind === 'namespace'
      ? `the NamespacePolicy quota of namespace ${scope.name}`
      : `the quota of department ${scope.name}`;
  return fail(
    QUOTA_RULES[scope.kind],
    `${owner} limits ${keys.join(', ')}, so every container must say how much it takes: ` +
      missing.join('; ') +
      (undefaulted ? '; or ask a platform admin for a default in the NamespacePolicy' : ''),
  );
}
