import { tryParseQuantity, type NamespacePolicy, type QuantityValue } from '@corral/policy';
import { asObject, type JsonObject } from './pod-spec.js';

type Defaults = NonNullable<NamespacePolicy['spec']['defaults']>;

const nanosOf = (value: unknown): bigint | undefined => {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const parsed = tryParseQuantity(value);
  return parsed.ok ? parsed.value.nanos : undefined;
};

const asText = (value: QuantityValue): string => String(value);

function missingRequests(defaults: Defaults, requests: JsonObject, limits: JsonObject): JsonObject {
  const add: JsonObject = {};
  for (const [name, value] of Object.entries(defaults.requests ?? {})) {
    if (requests[name] === undefined && limits[name] === undefined) add[name] = asText(value);
  }
  return add;
}

function missingLimits(defaults: Defaults, requests: JsonObject, limits: JsonObject): JsonObject {
  const add: JsonObject = {};
  for (const [name, value] of Object.entries(defaults.limits ?? {})) {
    if (limits[name] !== undefined) continue;
    const request = nanosOf(requests[name]);
    const limit = nanosOf(value);
    if (request !== undefined && limit !== undefined && request > limit) continue;
    add[name] = asText(value);
  }
  return add;
}

/**
 * A default request is added only where the container sets neither a request nor a limit for that
 * resource (with only a limit, the API server defaults the request to the limit). A default limit is
 * added only where none is set and the container's request does not exceed it (a limit below the
 * request would make the pod invalid). Works in place on the copy it is given.
 */
function defaultContainer(container: JsonObject, defaults: Defaults): void {
  const resources = { ...(asObject(container['resources']) ?? {}) };
  const requests = asObject(resources['requests']) ?? {};
  const limits = asObject(resources['limits']) ?? {};
  const addRequests = missingRequests(defaults, requests, limits);
  const addLimits = missingLimits(defaults, { ...requests, ...addRequests }, limits);
  const addsRequests = Object.keys(addRequests).length > 0;
  const addsLimits = Object.keys(addLimits).length > 0;
  if (!addsRequests && !addsLimits) return;
  if (addsRequests) resources['requests'] = { ...requests, ...addRequests };
  if (addsLimits) resources['limits'] = { ...limits, ...addLimits };
  container['resources'] = resources;
}

/**
 * Gives app and init containers the namespace's default requests/limits where they lack them. The
 * container lists and containers are copied before they change (the spec is the caller's copy).
 */
export function applyDefaultResources(spec: JsonObject, policy: NamespacePolicy | undefined): void {
  const defaults = policy?.spec.defaults;
  if (!defaults) return;
  for (const list of ['initContainers', 'containers'] as const) {
    const items = spec[list];
    if (!Array.isArray(items)) continue;
    spec[list] = items.map((item: unknown) => {
      const container = asObject(item);
      if (!container) return item;
      const copy = { ...container };
      defaultContainer(copy, defaults);
      return copy;
    });
  }
}
