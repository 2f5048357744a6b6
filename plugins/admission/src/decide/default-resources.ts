import { tryParseQuantity, unusableDefaultKeys, type NamespacePolicy } from '@corral/policy';
import { deepFrozen } from './frozen-values.js';
import { copyWith } from './copy-with.js';
import { asObject, containersOf, describeContainer, type ContainerAt, type JsonObject } from './pod-spec.js';

type Defaults = NonNullable<NamespacePolicy['spec']['defaults']>;

/** A policy's defaults as text (as written into pods), limits with their parsed amounts. */
interface DefaultsPlan {
  readonly requests: readonly (readonly [name: string, text: string])[];
  readonly limits: readonly (readonly [name: string, text: string, nanos: bigint | undefined])[];
  /**
   * Built once and shared (deep-frozen): every default request, every default limit, and the
   * `resources` of a container that sets none (undefined when that container gets nothing).
   */
  readonly allRequests: JsonObject;
  readonly allLimits: JsonObject;
  readonly forBareContainer: JsonObject | undefined;
}

/** Plans built once per policy object (the snapshot's policies are immutable). */
const plans = new WeakMap<Defaults, DefaultsPlan>();

function planOf(defaults: Defaults): DefaultsPlan {
  let plan = plans.get(defaults);
  if (plan === undefined) {
    // Defaults Kubernetes would refuse in any pod (a GPU request without a limit) are left out: a
    // policy stored before the webhook refused them would otherwise break every pod it defaults.
    const unusable = unusableDefaultKeys(defaults);
    const requests = Object.entries(defaults.requests ?? {})
      .filter(([name]) => !unusable.has(name))
      .map(([name, value]) => [name, String(value)] as const);
    const limits = Object.entries(defaults.limits ?? {})
      .filter(([name]) => !unusable.has(name))
      .map(([name, value]) => [name, String(value), nanosOf(value)] as const);
    plan = planFrom(requests, limits);
    plans.set(defaults, plan);
  }
  return plan;
}

function planFrom(requests: DefaultsPlan['requests'], limits: DefaultsPlan['limits']): DefaultsPlan {
  const partial = {
    requests,
    limits,
    allRequests: deepFrozen(Object.fromEntries(requests)),
    allLimits: deepFrozen(Object.fromEntries(limits.map(([name, text]) => [name, text]))),
  };
  const bare = resourcesFor(partial, EMPTY, EMPTY);
  return { ...partial, forBareContainer: bare === undefined ? undefined : deepFrozen(bare) };
}

/**
 * The resources a pod names at pod level (`spec.resources` requests or limits), or undefined when it
 * names none (nearly every pod).
 */
function podLevelNames(spec: JsonObject): ReadonlySet<string> | undefined {
  const resources = asObject(spec['resources']);
  if (resources === undefined) return undefined;
  let names: Set<string> | undefined;
  for (const list of [asObject(resources['requests']), asObject(resources['limits'])]) {
    for (const name in list) if (Object.hasOwn(list, name)) (names ??= new Set()).add(name);
  }
  return names;
}

/**
 * The plan without the resources the pod sizes at pod level. Kubernetes requires the containers'
 * summed requests to stay within the pod-level request and each container limit within the pod-level
 * limit, so a container default there could only make the pod invalid (and confine each container to
 * the default when the pod meant its containers to share the pod's amount); quotas and kube-scheduler
 * count the pod-level amount in any case. Built for the pod, not cached: such pods are rare.
 */
function planWithout(plan: DefaultsPlan, podLevel: ReadonlySet<string>): DefaultsPlan {
  const requests = plan.requests.filter(([name]) => !podLevel.has(name));
  const limits = plan.limits.filter(([name]) => !podLevel.has(name));
  if (requests.length === plan.requests.length && limits.length === plan.limits.length) return plan;
  return planFrom(requests, limits);
}

/** Quantity strings recur (`100m`, `128Mi`): their parsed amounts are kept (bounded, short ones only). */
const QUANTITY_CACHE_LIMIT = 1024;
const quantities = new Map<string, bigint | undefined>();

function nanosOf(value: unknown): bigint | undefined {
  if (typeof value === 'number') {
    const parsed = tryParseQuantity(value);
    return parsed.ok ? parsed.value.nanos : undefined;
  }
  if (typeof value !== 'string') return undefined;
  if (quantities.has(value)) return quantities.get(value);
  const parsed = tryParseQuantity(value);
  const nanos = parsed.ok ? parsed.value.nanos : undefined;
  if (value.length <= 64) {
    if (quantities.size >= QUANTITY_CACHE_LIMIT) quantities.clear();
    quantities.set(value, nanos);
  }
  return nanos;
}

const EMPTY: JsonObject = Object.freeze({});

/** The default requests a container lacks: those for resources it sets neither a request nor a limit for. */
function missingRequests(
  plan: Pick<DefaultsPlan, 'requests'>,
  requests: JsonObject,
  limits: JsonObject,
): JsonObject | undefined {
  let add: JsonObject | undefined;
  for (const [name, text] of plan.requests) {
    if (requests[name] === undefined && limits[name] === undefined) (add ??= {})[name] = text;
  }
  return add;
}

/** The default limits a container lacks, except where its (possibly defaulted) request exceeds them. */
function missingLimits(
  plan: Pick<DefaultsPlan, 'limits'>,
  requests: JsonObject,
  addRequests: JsonObject | undefined,
  limits: JsonObject,
): JsonObject | undefined {
  let add: JsonObject | undefined;
  for (const [name, text, limit] of plan.limits) {
    if (limits[name] !== undefined) continue;
    const request = nanosOf(requests[name] ?? addRequests?.[name]);
    if (request !== undefined && limit !== undefined && request > limit) continue;
    (add ??= {})[name] = text;
  }
  return add;
}

/** Counts an object's own keys (no array built). */
function sizeOf(object: JsonObject): number {
  let size = 0;
  for (const key in object) if (Object.hasOwn(object, key)) size++;
  return size;
}

/**
 * The `resources` a container gets given its requests and limits, or undefined when nothing is added.
 * A list the container lacks and gets whole is the plan's shared one.
 */
function resourcesFor(
  plan: Omit<DefaultsPlan, 'forBareContainer'>,
  requests: JsonObject,
  limits: JsonObject,
  resources?: JsonObject,
): JsonObject | undefined {
  const addRequests = missingRequests(plan, requests, limits);
  const addLimits = missingLimits(plan, requests, addRequests, limits);
  if (addRequests === undefined && addLimits === undefined) return undefined;
  const next = copyWith(resources);
  if (addRequests) {
    const whole = requests === EMPTY && sizeOf(addRequests) === plan.requests.length;
    next['requests'] = whole ? plan.allRequests : copyWith(requests, addRequests);
  }
  if (addLimits) {
    const whole = limits === EMPTY && sizeOf(addLimits) === plan.limits.length;
    next['limits'] = whole ? plan.allLimits : copyWith(limits, addLimits);
  }
  return next;
}

/**
 * A default request is added only where the container sets neither a request nor a limit for that
 * resource (with only a limit, the API server defaults the request to the limit). A default limit is
 * added only where none is set and the container's request does not exceed it (a limit below the
 * request would make the pod invalid). Returns the container itself when nothing is added, else a
 * copy with new `resources` (the plan's shared ones when it set none).
 */
function defaultContainer(container: JsonObject, plan: DefaultsPlan): JsonObject {
  const resources = asObject(container['resources']);
  if (resources === undefined) {
    return plan.forBareContainer === undefined
      ? container
      : copyWith(container, { resources: plan.forBareContainer });
  }
  const requests = asObject(resources['requests']) ?? EMPTY;
  const limits = asObject(resources['limits']) ?? EMPTY;
  const next = resourcesFor(plan, requests, limits, resources);
  return next === undefined ? container : copyWith(container, { resources: next });
}

/**
 * Gives app and init containers (sidecars included; never ephemeral ones, which may not set
 * resources) the namespace's default requests/limits where they lack them, except for resources the
 * pod sets at pod level (`spec.resources`, see planWithout). Only the containers that change (and
 * their lists) are copied; the spec is the caller's copy.
 */
export function applyDefaultResources(spec: JsonObject, policy: NamespacePolicy | undefined): void {
  const defaults = policy?.spec.defaults;
  if (!defaults) return;
  const podLevel = podLevelNames(spec);
  const plan = podLevel === undefined ? planOf(defaults) : planWithout(planOf(defaults), podLevel);
  for (const list of ['initContainers', 'containers'] as const) {
    const items = spec[list];
    if (!Array.isArray(items)) continue;
    let next: unknown[] | undefined;
    for (let index = 0; index < items.length; index++) {
      const item: unknown = items[index];
      const container = asObject(item);
      const defaulted = container ? defaultContainer(container, plan) : item;
      if (defaulted !== item) (next ??= [...items])[index] = defaulted;
    }
    if (next) spec[list] = next;
  }
}

/** Why a container got no default limit for a resource it sets no limit for. */
export type SkipReason =
  { readonly why: 'pod-level' } | { readonly why: 'request-above'; readonly request: string };

/** A default limit applyDefaultResources leaves out of a container that has none. */
export interface SkippedLimit {
  readonly container: string;
  readonly resource: string;
  readonly limit: string;
  readonly reason: SkipReason;
}

const NONE: readonly SkippedLimit[] = Object.freeze([]);

/** Why `at` gets no default limit `name` (it sets none), or undefined when it gets it. */
function skipReason(
  at: ContainerAt,
  name: string,
  limit: bigint | undefined,
  plan: DefaultsPlan,
  podLevel: ReadonlySet<string> | undefined,
): SkipReason | undefined {
  if (podLevel?.has(name)) return { why: 'pod-level' };
  const requests = asObject(asObject(at.container['resources'])?.['requests']);
  // As missingRequests and missingLimits: the default request counts only where the key is absent.
  const own = requests?.[name];
  const text = own !== undefined ? own : plan.requests.find(([request]) => request === name)?.[1];
  const request = nanosOf(text);
  if (request === undefined || limit === undefined || request <= limit) return undefined;
  return { why: 'request-above', request: String(text) };
}

/**
 * The default limits applyDefaultResources leaves out of the pod's app and init containers, and why
 * (see defaultContainer and planWithout): the container's request (its own, else the default one)
 * is above the default limit, or the pod sets that resource at pod level. Given the spec as sent
 * (before the defaults); empty without default limits. A container with a limit of its own for the
 * resource is never listed: no default would be added there anyway.
 */
export function skippedDefaultLimits(
  spec: JsonObject,
  policy: NamespacePolicy | undefined,
): readonly SkippedLimit[] {
  const defaults = policy?.spec.defaults;
  if (!defaults) return NONE;
  const plan = planOf(defaults);
  if (plan.limits.length === 0) return NONE;
  const podLevel = podLevelNames(spec);
  let skipped: SkippedLimit[] | undefined;
  for (const at of containersOf(spec)) {
    if (at.list === 'ephemeralContainers') continue;
    const limits = asObject(asObject(at.container['resources'])?.['limits']);
    for (const [name, text, limit] of plan.limits) {
      if (limits?.[name] !== undefined) continue;
      const reason = skipReason(at, name, limit, plan, podLevel);
      if (reason === undefined) continue;
      (skipped ??= []).push({ container: describeContainer(at), resource: name, limit: text, reason });
    }
  }
  return skipped ?? NONE;
}
