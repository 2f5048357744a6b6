import { measuredQuotaKey, storageClassQuotaKey } from '@corral/policy';
import type { PodView } from '../views/pod-view.js';
import type { PvcView } from '../views/pvc-view.js';

/**
 * Usage is a map from ResourceQuota key (`requests.cpu`, `limits.memory`, `requests.nvidia.com/gpu`,
 * `requests.hugepages-2Mi`, `pods`, `count/pods`, `requests.storage`, `persistentvolumeclaims`,
 * `<class>.storageclass.storage.k8s.io/requests.storage` and `.../persistentvolumeclaims`) to an
 * amount in nano-units. Synonyms are kept once (usageKeyOf). Counts (`pods`,
 * `persistentvolumeclaims`) are nano-units too: one pod is 1_000_000_000n, exactly what
 * parseQuantity('1') gives, so a quota's `hard` values compare with usage without conversion.
 */
export type Usage = ReadonlyMap<string, bigint>;

/** One unit (one pod, one claim, one cpu) in nano-units. */
export const UNIT = 1_000_000_000n;

export const EMPTY_USAGE: Usage = new Map();

/** ResourceQuota tracks limits only for these; extended resources cannot be overcommitted. */
const LIMITED_RESOURCES: readonly string[] = ['cpu', 'memory', 'ephemeral-storage'];

const LIMIT_KEYS: readonly (readonly [string, string])[] = LIMITED_RESOURCES.map((name) => [
  name,
  `limits.${name}`,
]);

/**
 * `requests.<name>` per resource name, built once: a cluster names few resources, and every pod's
 * usage (each review's and each watched pod's) uses them. Bounded: cleared when full.
 */
const requestKeys = new Map<string, string>();
const MAX_REQUEST_KEYS = 1024;

function requestKey(name: string): string {
  let key = requestKeys.get(name);
  if (key === undefined) {
    if (requestKeys.size >= MAX_REQUEST_KEYS) requestKeys.clear();
    key = `requests.${name}`;
    requestKeys.set(name, key);
  }
  return key;
}

/** A terminal pod's usage: `count/pods` counts every pod in storage (PodUsageFunc). */
const TERMINAL_POD_USAGE: Usage = new Map([['count/pods', UNIT]]);

/**
 * What a pod adds to its namespace's quota usage, as ResourceQuota's PodUsageFunc: itself in
 * `count/pods` always; for a pod not terminal and not past its deletion deadline (QuotaV1Pod), also
 * in `pods`, its requests (`requests.<name>`, huge pages and extended resources included) and its
 * cpu, memory and ephemeral-storage limits.
 */
export function podUsage(
  pod: Pick<PodView, 'terminal' | 'requests' | 'limits' | 'pastDeletionDeadline'>,
): Usage {
  if (pod.terminal || pod.pastDeletionDeadline === true) return TERMINAL_POD_USAGE;
  const usage = new Map<string, bigint>([
    ['pods', UNIT],
    ['count/pods', UNIT],
  ]);
  for (const [name, value] of pod.requests) usage.set(requestKey(name), value);
  for (const [name, key] of LIMIT_KEYS) {
    const value = pod.limits.get(name);
    if (value !== undefined) usage.set(key, value);
  }
  return usage;
}

/**
 * What a claim adds, whatever its phase (as ResourceQuota's PVC evaluator): its requested storage and
 * one claim, and the same again under its StorageClass's keys when it has a class. `persistentvolumeclaims`
 * stands for `count/persistentvolumeclaims` too (usageKeyOf).
 */
export function pvcUsage(pvc: Pick<PvcView, 'requestedStorage' | 'storageClass'>): Usage {
  const usage = new Map([
    ['requests.storage', pvc.requestedStorage],
    ['persistentvolumeclaims', UNIT],
  ]);
  if (pvc.storageClass === undefined) return usage;
  usage.set(storageClassQuotaKey(pvc.storageClass, 'requests.storage'), pvc.requestedStorage);
  usage.set(storageClassQuotaKey(pvc.storageClass, 'persistentvolumeclaims'), UNIT);
  return usage;
}

/** target += sign × delta, dropping keys that reach zero so maps stay comparable. */
export function applyUsage(target: Map<string, bigint>, delta: Usage, sign: 1n | -1n): void {
  for (const [key, value] of delta) {
    const next = (target.get(key) ?? 0n) + sign * value;
    if (next === 0n) target.delete(key);
    else target.set(key, next);
  }
}

/**
 * The usage key a quota key measures: `cpu`, `memory`, `ephemeral-storage` and `hugepages-<size>`
 * are ResourceQuota's synonyms of `requests.*`, `count/persistentvolumeclaims` of
 * `persistentvolumeclaims` (@corral/policy measuredQuotaKey).
 */
export function usageKeyOf(quotaKey: string): string {
  return measuredQuotaKey(quotaKey);
}

/** The usage a quota key measures (see usageKeyOf). */
export function usedFor(usage: Usage, quotaKey: string): bigint {
  return usage.get(usageKeyOf(quotaKey)) ?? 0n;
}
