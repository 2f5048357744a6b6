import { tryParseQuantity } from '@corral/policy';
import { UNIT, type Usage } from '@corral/cluster';
import { asObject, type JsonObject } from './pod-spec.js';

/**
 * Quantities already parsed, by their text (a cluster's pods repeat a few values: "100m", "128Mi").
 * Only successful parses are kept; bounded (cleared when full).
 */
const nanosByText = new Map<string, bigint>();
const MAX_TEXTS = 1024;

/** A quantity's nano-units, or undefined when it is not a string that parses (the exact path says why). */
function nanosOf(raw: unknown): bigint | undefined {
  if (typeof raw !== 'string') return undefined;
  const known = nanosByText.get(raw);
  if (known !== undefined) return known;
  const parsed = tryParseQuantity(raw);
  if (!parsed.ok) return undefined;
  if (nanosByText.size >= MAX_TEXTS) nanosByText.clear();
  nanosByText.set(raw, parsed.value.nanos);
  return parsed.value.nanos;
}

/** A container's `resources.requests` and `resources.limits` (absent: undefined), or undefined when malformed. */
interface Lists {
  readonly requests: JsonObject | undefined;
  readonly limits: JsonObject | undefined;
}

const NO_LISTS: Lists = { requests: undefined, limits: undefined };

/** A resource list: absent (undefined, null) reads as none; anything but an object is malformed (false). */
function listOf(value: unknown): JsonObject | undefined | false {
  if (value === undefined || value === null) return undefined;
  return asObject(value) ?? false;
}

function listsOf(container: unknown): Lists | undefined {
  const object = asObject(container);
  const resources = object?.['resources'];
  if (resources === undefined || resources === null) return object === undefined ? undefined : NO_LISTS;
  const record = asObject(resources);
  const requests = listOf(record?.['requests']);
  const limits = listOf(record?.['limits']);
  return requests === false || limits === false ? undefined : { requests, limits };
}

/** Adds (or, with `max`, raises to) `value` under `key`. */
function put(target: Map<string, bigint>, key: string, value: bigint, max: boolean): void {
  const before = target.get(key);
  if (before === undefined) target.set(key, value);
  else if (!max) target.set(key, before + value);
  else if (value > before) target.set(key, value);
}

/** `requests.<name>`, the common names without building a string. */
const requestKey = (name: string): string =>
  name === 'cpu' ? 'requests.cpu' : name === 'memory' ? 'requests.memory' : `requests.${name}`;

/** The pod's limits of the resources ResourceQuota tracks limits for (as @corral/cluster podUsage). */
interface Limits {
  cpu: bigint | undefined;
  memory: bigint | undefined;
  ephemeral: bigint | undefined;
}

/** Sum (or, with `max`, the larger) of a limit so far and one container's. */
const combine = (before: bigint | undefined, value: bigint, max: boolean): bigint =>
  before === undefined ? value : max ? (value > before ? value : before) : before + value;

/** Takes one container's limit into `limits` when ResourceQuota tracks it. */
function putLimit(limits: Limits, name: string, value: bigint, max: boolean): void {
  if (name === 'cpu') limits.cpu = combine(limits.cpu, value, max);
  else if (name === 'memory') limits.memory = combine(limits.memory, value, max);
  else if (name === 'ephemeral-storage') limits.ephemeral = combine(limits.ephemeral, value, max);
}

/**
 * Adds one container's limits into `limits` and its requests (a missing request counts its limit)
 * into `usage`, or with `max` raises them to the container's. False when a quantity does not parse.
 */
function addContainer(
  usage: Map<string, bigint>,
  limits: Limits,
  { requests: asked, limits: capped }: Lists,
  max: boolean,
): boolean {
  for (const name in capped) {
    const value = nanosOf(capped[name]);
    if (value === undefined) return false;
    putLimit(limits, name, value, max);
  }
  for (const name in asked) {
    const value = nanosOf(asked[name]);
    if (value === undefined) return false;
    put(usage, requestKey(name), value, max);
  }
  for (const name in capped) {
    if (asked === undefined || !Object.hasOwn(asked, name))
      put(usage, requestKey(name), nanosOf(capped[name]) as bigint, max);
  }
  return true;
}

/** Every container of `items` into the totals (summed, or with `max` the largest); false when one cannot be. */
function addList(usage: Map<string, bigint>, limits: Limits, items: unknown, max: boolean): boolean {
  if (!Array.isArray(items)) return true;
  for (const item of items) {
    const lists = listsOf(item);
    if (lists === undefined || (max && asObject(item)?.['restartPolicy'] === 'Always')) return false;
    if (!addContainer(usage, limits, lists, max)) return false;
  }
  return true;
}

/**
 * A new pod's quota usage in one pass over its spec, the same map (keys, order, amounts) as
 * @corral/cluster `podUsage(podResources(spec))` for a pod being created, for the common shape: app
 * containers and init containers that are not sidecars, every quantity a string that parses, no
 * pod-level resources, no overhead, no malformed container or resource list. Undefined for any
 * other pod: the caller then takes the exact path (demand.ts), which also explains what does not
 * parse. The pod's effective requests per resource are the app containers' sum, at least each init
 * container's (a missing request counting the limit); its limits likewise.
 */
export function commonPodUsage(spec: JsonObject | undefined): Usage | undefined {
  if (spec === undefined) return undefined;
  if (spec['resources'] !== undefined || spec['overhead'] !== undefined) return undefined;
  const usage = new Map<string, bigint>();
  usage.set('pods', UNIT).set('count/pods', UNIT);
  const limits: Limits = { cpu: undefined, memory: undefined, ephemeral: undefined };
  if (!addList(usage, limits, spec['containers'], false)) return undefined;
  if (!addList(usage, limits, spec['initContainers'], true)) return undefined;
  if (limits.cpu !== undefined) usage.set('limits.cpu', limits.cpu);
  if (limits.memory !== undefined) usage.set('limits.memory', limits.memory);
  if (limits.ephemeral !== undefined) usage.set('limits.ephemeral-storage', limits.ephemeral);
  return usage;
}
