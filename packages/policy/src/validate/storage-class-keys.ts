/**
 * Per-StorageClass quota keys, as Kubernetes' PVC quota evaluator names them
 * (pkg/quota/v1/evaluator/core/persistent_volume_claims.go, V1ResourceByStorageClass):
 * `<class>.storageclass.storage.k8s.io/requests.storage` and
 * `<class>.storageclass.storage.k8s.io/persistentvolumeclaims`. A claim counts under the class
 * GetPersistentVolumeClaimClass gives it; a claim without a class counts under none of them.
 */

export const STORAGE_CLASS_SUFFIX = '.storageclass.storage.k8s.io/';

/** The claim resources a StorageClass can scope (the PVC evaluator's pvcResources). */
export const STORAGE_CLASS_RESOURCES: readonly string[] = ['requests.storage', 'persistentvolumeclaims'];

const DNS_LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS_SUBDOMAIN = new RegExp(`^${DNS_LABEL}(\\.${DNS_LABEL})*$`);

/** A resource name's prefix (before `/`) is a DNS subdomain of at most 253 characters. */
const MAX_PREFIX = 253;

/** `gold.storageclass.storage.k8s.io/requests.storage`: the quota key of `resource` in `storageClass`. */
export function storageClassQuotaKey(storageClass: string, resource: string): string {
  return `${storageClass}${STORAGE_CLASS_SUFFIX}${resource}`;
}

export interface StorageClassQuotaKey {
  readonly storageClass: string;
  readonly resource: string;
}

/** The class and resource of a key in the per-class form, whether or not they are valid. */
export function splitStorageClassQuotaKey(key: string): StorageClassQuotaKey | undefined {
  const at = key.indexOf(STORAGE_CLASS_SUFFIX);
  if (at < 0) return undefined;
  return { storageClass: key.slice(0, at), resource: key.slice(at + STORAGE_CLASS_SUFFIX.length) };
}

/** Is `key` a per-class quota key Corral enforces (a valid class name, a claim resource)? */
export function isStorageClassQuotaKey(key: string): boolean {
  return splitStorageClassQuotaKey(key) !== undefined && storageClassKeyProblem(key) === undefined;
}

/**
 * Why a key in the per-class form is refused, naming the fix; undefined when it is valid. The class
 * is a StorageClass name (a DNS subdomain); the key's prefix `<class>.storageclass.storage.k8s.io`
 * must stay within 253 characters, as Kubernetes requires of every resource name's prefix.
 */
export function storageClassKeyProblem(key: string): string | undefined {
  const parts = splitStorageClassQuotaKey(key);
  if (parts === undefined) return undefined;
  const { storageClass, resource } = parts;
  if (!STORAGE_CLASS_RESOURCES.includes(resource))
    return (
      `unknown quota key '${key}': a StorageClass scopes only requests.storage and persistentvolumeclaims, ` +
      `e.g. ${storageClassQuotaKey(storageClass || 'gold', 'requests.storage')}`
    );
  if (!DNS_SUBDOMAIN.test(storageClass))
    return (
      `quota key '${key}' names StorageClass '${storageClass}', which is no StorageClass name: ` +
      'write the class as a DNS subdomain (lowercase letters, digits, - and .), e.g. ' +
      storageClassQuotaKey('gold', resource)
    );
  if (storageClass.length + STORAGE_CLASS_SUFFIX.length - 1 > MAX_PREFIX)
    return (
      `quota key '${key}' is too long: '${storageClass}${STORAGE_CLASS_SUFFIX.slice(0, -1)}' must be at ` +
      `most ${MAX_PREFIX} characters, so a StorageClass quota can name a class of at most ` +
      `${MAX_PREFIX - STORAGE_CLASS_SUFFIX.length + 1} characters`
    );
  return undefined;
}
