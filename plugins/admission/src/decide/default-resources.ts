import { tryParseQuantity, type NamespacePolicy } from '@corral/policy';
import { asObject, type JsonObject } from './pod-spec.js';

type Defaults = NonNullable<NamespacePolicy['spec']['defaults']>;

/** A policy's defaults as text (as written into pods), limits with their parsed amounts. */
interface DefaultsPlan {
  readonly requests: readonly (readonly [name: string, text: string])[];
  readonly limits: readonly (readonly [name: string, text: string, nanos: bigint | undefined])[];
}

/** Plans built once per policy object (the snapshot's policies are immutable). */
const plans = new WeakMap<Defaults, DefaultsPlan>();

function planOf(defaults: Defaults): DefaultsPlan {
  let plan = plans.get(defaults);
  if (plan === undefined) {
    plan = {
      requests: Object.entries(defaults.requests ?? {}).map(
        ([name, value]) => [name, String(value)] as const,
      ),
      limits: Object.entries(defaults.limits ?? {}).map(
        ([name, value]) => [name, String(value), nanosOf(value)] as const,
      ),
    };
    plans.set(defaults, plan);
  }
  return plan;
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
  plan: DefaultsPlan,
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
  plan: DefaultsPlan,
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

/**
 * A default request is added only where the container sets neither a request nor a limit for that
 * resource (with only a limit, the API server defaults the request to the limit). A default limit is
 * added only where none is set and the container's request does not exceed it (a limit below the
 * request would make the pod invalid). Returns the container itself when nothing is added, else a
 * copy with new `resources`.
 */
function defaultContainer(container: JsonObject, plan: DefaultsPlan): JsonObject {
  const resources = asObject(container['resources']);
  const requests = asObject(resources?.['requests']) ?? EMPTY;
  const limits = asObject(resources?.['limits']) ?? EMPTY;
  const addRequests = missingRequests(plan, requests, limits);
  const addLimits = missingLimits(plan, requests, addRequests, limits);
  if (addRequests === undefined && addLimits === undefined) return container;
  const next: JsonObject = { ...resources };
  if (addRequests) next['requests'] = { ...requests, ...addRequests };
  if (addLimits) next['limits'] = { ...limits, ...addLimits };
  return { ...container, resources: next };
}

/**
 * Gives app and init containers the namespace's default requests/limits where they lack them. Only
 * the containers that change (and their lists) are copied; the spec is the caller's copy.
 */
export function applyDefaultResources(spec: JsonObject, policy: NamespacePolicy | undefined): void {
  const defaults = policy?.spec.defaults;
  if (!defaults) return;
  const plan = planOf(defaults);
  for (const list of ['initContainers', 'containers'] as const) {
    const items = spec[list];
    if (!Array.isArray(items)) continue;
    let changed = false;
    const next = items.map((item: unknown) => {
      const container = asObject(item);
      const defaulted = container ? defaultContainer(container, plan) : item;
      changed ||= defaulted !== item;
      return defaulted;
    });
    if (changed) spec[list] = next;
  }
}
