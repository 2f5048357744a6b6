/**
 * Resource names Corral understands. Quota keys are ResourceQuota's (only those Corral enforces);
 * container resource names are what a container's requests/limits may name.
 */

/** The fixed ResourceQuota keys Corral enforces; extended resources come as `requests.<domain>/<name>`. */
export const QUOTA_KEYS: readonly string[] = [
  'cpu',
  'memory',
  'pods',
  'persistentvolumeclaims',
  'requests.storage',
  'requests.cpu',
  'requests.memory',
  'requests.ephemeral-storage',
  'limits.cpu',
  'limits.memory',
  'limits.ephemeral-storage',
];

const DNS_LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS_SUBDOMAIN = new RegExp(`^${DNS_LABEL}(\\.${DNS_LABEL})*$`);
const QUALIFIED_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const HUGEPAGES = /^hugepages-[0-9]+(Ki|Mi|Gi|Ti|Pi|Ei|[kMGTPE])?$/;

/** `hugepages-2Mi`: a huge page size's resource. */
export function isHugePagesResourceName(name: string): boolean {
  return HUGEPAGES.test(name);
}

/** `nvidia.com/gpu`: a domain outside kubernetes.io, a slash, a name (as Kubernetes' IsExtendedResourceName). */
export function isExtendedResourceName(name: string): boolean {
  const slash = name.indexOf('/');
  if (slash <= 0) return false;
  const domain = name.slice(0, slash);
  const local = name.slice(slash + 1);
  const native = domain === 'kubernetes.io' || domain.endsWith('.kubernetes.io');
  return (
    !native &&
    domain.length <= 253 &&
    DNS_SUBDOMAIN.test(domain) &&
    local.length <= 63 &&
    QUALIFIED_NAME.test(local)
  );
}

/** Is `key` a ResourceQuota key Corral enforces (`requests.cpu`, `pods`, `requests.nvidia.com/gpu`, ...)? */
export function isEnforcedQuotaKey(key: string): boolean {
  if (QUOTA_KEYS.includes(key)) return true;
  return key.startsWith('requests.') && isExtendedResourceName(key.slice('requests.'.length));
}

/**
 * Is the quota key counted in whole units? ResourceQuota refuses a fractional `pods` or
 * `persistentvolumeclaims`, and a container asks for an extended resource (`requests.nvidia.com/gpu`)
 * in whole units only, so a fractional quota for one would silently mean its whole part.
 */
export function isWholeUnitQuotaKey(key: string): boolean {
  if (key === 'pods' || key === 'persistentvolumeclaims') return true;
  return key.startsWith('requests.') && isExtendedResourceName(key.slice('requests.'.length));
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
    `unknown quota key '${key}': use one of ${QUOTA_KEYS.join(', ')} ` +
    'or requests.<domain>/<name> for extended resources (e.g. requests.nvidia.com/gpu)'
  );
}

export function unknownContainerResourceMessage(name: string): string {
  return (
    `unknown resource '${name}': use cpu, memory, ephemeral-storage, hugepages-<size> ` +
    'or <domain>/<name> for extended resources (e.g. nvidia.com/gpu)'
  );
}
