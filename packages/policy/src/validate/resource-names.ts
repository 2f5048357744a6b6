import {
  isStorageClassQuotaKey,
  splitStorageClassQuotaKey,
  storageClassKeyProblem,
} from './storage-class-keys.js';

/**
 * Resource names Corral understands. Quota keys are ResourceQuota's (only those Corral enforces:
 * the ones Kubernetes' pod and PVC quota evaluators match); container resource names are what a
 * container's requests/limits may name.
 */

/**
 * The fixed ResourceQuota keys Corral enforces; extended resources come as `requests.<domain>/<name>`,
 * huge pages as `requests.hugepages-<size>` (or `hugepages-<size>`), per-StorageClass claim quotas as
 * `<class>.storageclass.storage.k8s.io/requests.storage` or `.../persistentvolumeclaims`.
 */
export const QUOTA_KEYS: readonly string[] = [
  'cpu',
  'memory',
  'ephemeral-storage',
  'pods',
  'count/pods',
  'persistentvolumeclaims',
  'count/persistentvolumeclaims',
  'requests.storage',
  'requests.cpu',
  'requests.memory',
  'requests.ephemeral-storage',
  'limits.cpu',
  'limits.memory',
  'limits.ephemeral-storage',
];

/** The object-count keys (`count/<resource>`) Corral enforces: the pod and claim ones. */
const COUNT_KEYS: readonly string[] = ['count/pods', 'count/persistentvolumeclaims'];

const DNS_LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS_SUBDOMAIN = new RegExp(`^${DNS_LABEL}(\\.${DNS_LABEL})*$`);
const QUALIFIED_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const HUGEPAGES = /^hugepages-[0-9]+(Ki|Mi|Gi|Ti|Pi|Ei|[kMGTPE])?$/;

/** `hugepages-2Mi`: a huge page size's resource. */
export function isHugePagesResourceName(name: string): boolean {
  return HUGEPAGES.test(name);
}

const REQUESTS_PREFIX = 'requests.';

/**
 * `nvidia.com/gpu`: a domain outside kubernetes.io, a slash, a name, as Kubernetes'
 * IsExtendedResourceName: never starting with `requests.` (a quota key's spelling, which no pod may
 * request), and short enough for its quota key `requests.<domain>/<name>` (a domain of at most 244).
 */
export function isExtendedResourceName(name: string): boolean {
  const slash = name.indexOf('/');
  if (slash <= 0 || name.startsWith(REQUESTS_PREFIX)) return false;
  const domain = name.slice(0, slash);
  const local = name.slice(slash + 1);
  const native = domain === 'kubernetes.io' || domain.endsWith('.kubernetes.io');
  return (
    !native &&
    REQUESTS_PREFIX.length + domain.length <= 253 &&
    DNS_SUBDOMAIN.test(domain) &&
    local.length <= 63 &&
    QUALIFIED_NAME.test(local)
  );
}

/** `hugepages-2Mi` or `requests.hugepages-2Mi`: ResourceQuota's huge page keys (both count requests). */
function isHugePagesQuotaKey(key: string): boolean {
  return HUGEPAGES.test(key.startsWith('requests.') ? key.slice('requests.'.length) : key);
}

/** `requests.nvidia.com/gpu`: only the `requests.` form, extended resources cannot be overcommitted. */
function isExtendedQuotaKey(key: string): boolean {
  return key.startsWith('requests.') && isExtendedResourceName(key.slice('requests.'.length));
}

/**
 * Is `key` a ResourceQuota key Corral enforces (`requests.cpu`, `pods`, `count/pods`,
 * `requests.nvidia.com/gpu`, `requests.hugepages-2Mi`, `gold.storageclass.storage.k8s.io/requests.storage`, ...)?
 */
export function isEnforcedQuotaKey(key: string): boolean {
  return (
    QUOTA_KEYS.includes(key) ||
    isExtendedQuotaKey(key) ||
    isHugePagesQuotaKey(key) ||
    isStorageClassQuotaKey(key)
  );
}

/**
 * Is the quota key counted in whole units? ResourceQuota refuses a fractional `pods` or
 * `persistentvolumeclaims`, and every key with a `/` outside kubernetes.io (IsIntegerResourceName:
 * `count/pods`, the per-StorageClass keys, `requests.nvidia.com/gpu`); a container asks for an
 * extended resource in whole units only, so a fractional quota for one would silently mean its
 * whole part.
 */
export function isWholeUnitQuotaKey(key: string): boolean {
  if (key === 'pods' || key === 'persistentvolumeclaims' || COUNT_KEYS.includes(key)) return true;
  return isExtendedQuotaKey(key) || isStorageClassQuotaKey(key);
}

/**
 * The usage a quota key measures: ResourceQuota's synonyms name one usage. `cpu`, `memory`,
 * `ephemeral-storage` and `hugepages-<size>` cap the pods' requests (`requests.*`);
 * `count/persistentvolumeclaims` counts every claim, as `persistentvolumeclaims` does. `count/pods`
 * is no synonym of `pods`: it counts terminal pods too (every pod in storage).
 */
export function measuredQuotaKey(key: string): string {
  if (key === 'cpu' || key === 'memory' || key === 'ephemeral-storage' || HUGEPAGES.test(key))
    return `requests.${key}`;
  return key === 'count/persistentvolumeclaims' ? 'persistentvolumeclaims' : key;
}

/** May a container's requests/limits name `name` (`cpu`, `memory`, `ephemeral-storage`, hugepages, extended)? */
export function isContainerResourceName(name: string): boolean {
  return (
    ['cpu', 'memory', 'ephemeral-storage'].includes(name) ||
    HUGEPAGES.test(name) ||
    isExtendedResourceName(name)
  );
}

export function unknownQuotaKeyMessage(key: string): string {
  return (
    `unknown quota key '${key}': use one of ${QUOTA_KEYS.join(', ')}, ` +
    'requests.<domain>/<name> for extended resources (e.g. requests.nvidia.com/gpu), ' +
    'requests.hugepages-<size> for huge pages (e.g. requests.hugepages-2Mi), ' +
    'or <class>.storageclass.storage.k8s.io/requests.storage (or /persistentvolumeclaims) for one StorageClass'
  );
}

/** Why a quota key is refused, naming the fix; undefined when Corral enforces it. */
export function quotaKeyProblem(key: string): string | undefined {
  if (isEnforcedQuotaKey(key)) return undefined;
  if (splitStorageClassQuotaKey(key) !== undefined) return storageClassKeyProblem(key);
  if (key.startsWith('count/'))
    return (
      `unknown quota key '${key}': Corral counts only the objects it reviews, ` +
      `use ${COUNT_KEYS.join(' or ')} (or pods, persistentvolumeclaims)`
    );
  return unknownQuotaKeyMessage(key);
}

export function unknownContainerResourceMessage(name: string): string {
  return (
    `unknown resource '${name}': use cpu, memory, ephemeral-storage, hugepages-<size> ` +
    'or <domain>/<name> for extended resources (e.g. nvidia.com/gpu)'
  );
}
