/**
 * The resource types the fake API server serves, and how request paths map onto them. Paths follow
 * kube-apiserver: `/api/v1/...` for the core group, `/apis/<group>/<version>/...` otherwise, with
 * `namespaces/<ns>/` before the plural for namespaced requests.
 */
export interface ResourceType {
  readonly kind: string;
  readonly listKind: string;
  readonly apiVersion: string;
  readonly plural: string;
  readonly namespaced: boolean;
  /** Collection path across all namespaces, e.g. `/api/v1/pods`. */
  readonly path: string;
  /** kube-apiserver leaves `kind`/`apiVersion` out of list items of built-in types (not of CRDs). */
  readonly listItemsCarryTypeMeta: boolean;
}

function core(kind: string, plural: string, namespaced: boolean): ResourceType {
  const path = `/api/v1/${plural}`;
  return {
    kind,
    listKind: `${kind}List`,
    apiVersion: 'v1',
    plural,
    namespaced,
    path,
    listItemsCarryTypeMeta: false,
  };
}

function custom(
  group: string,
  version: string,
  kind: string,
  plural: string,
  namespaced: boolean,
): ResourceType {
  const apiVersion = `${group}/${version}`;
  const path = `/apis/${apiVersion}/${plural}`;
  return {
    kind,
    listKind: `${kind}List`,
    apiVersion,
    plural,
    namespaced,
    path,
    listItemsCarryTypeMeta: true,
  };
}

/** A built-in type outside the core group: list items carry no type meta, like core ones. */
function builtIn(
  group: string,
  version: string,
  kind: string,
  plural: string,
  namespaced: boolean,
): ResourceType {
  return { ...custom(group, version, kind, plural, namespaced), listItemsCarryTypeMeta: false };
}

export const RESOURCE_TYPES: readonly ResourceType[] = [
  core('Node', 'nodes', false),
  core('Namespace', 'namespaces', false),
  core('Pod', 'pods', true),
  core('PersistentVolumeClaim', 'persistentvolumeclaims', true),
  custom('corral.dev', 'v1alpha1', 'Department', 'departments', false),
  custom('corral.dev', 'v1alpha1', 'NamespacePolicy', 'namespacepolicies', true),
  core('Secret', 'secrets', true),
  builtIn('coordination.k8s.io', 'v1', 'Lease', 'leases', true),
  builtIn('events.k8s.io', 'v1', 'Event', 'events', true),
  builtIn(
    'admissionregistration.k8s.io',
    'v1',
    'MutatingWebhookConfiguration',
    'mutatingwebhookconfigurations',
    false,
  ),
  builtIn(
    'admissionregistration.k8s.io',
    'v1',
    'ValidatingWebhookConfiguration',
    'validatingwebhookconfigurations',
    false,
  ),
];

export function resourceForObject(apiVersion: string, kind: string): ResourceType | undefined {
  return RESOURCE_TYPES.find((r) => r.apiVersion === apiVersion && r.kind === kind);
}

export interface ResourcePath {
  readonly resource: ResourceType;
  /** Set for namespaced requests (`.../namespaces/<ns>/<plural>[/<name>]`). */
  readonly namespace: string | undefined;
  /** Set for single-object requests. */
  readonly name: string | undefined;
  /** Set for subresource requests such as `.../departments/<name>/status`. */
  readonly subresource?: string;
}

function splitGroupVersion(segments: readonly string[]): { apiVersion: string; rest: string[] } | undefined {
  if (segments[0] === 'api' && segments[1] !== undefined) {
    return { apiVersion: segments[1], rest: segments.slice(2) };
  }
  if (segments[0] === 'apis' && segments[1] !== undefined && segments[2] !== undefined) {
    return { apiVersion: `${segments[1]}/${segments[2]}`, rest: segments.slice(3) };
  }
  return undefined;
}

/** Given a request path, returns the resource, namespace and name it addresses, or undefined. */
export function parseResourcePath(pathname: string): ResourcePath | undefined {
  const gv = splitGroupVersion(pathname.split('/').filter((s) => s !== ''));
  if (gv === undefined) return undefined;
  const { apiVersion, rest } = gv;
  const namespaced = rest[0] === 'namespaces' && rest.length >= 3;
  const [namespace, plural, name, subresource, extra] = namespaced ? rest.slice(1) : [undefined, ...rest];
  if (plural === undefined || extra !== undefined) return undefined;
  const resource = RESOURCE_TYPES.find((r) => r.apiVersion === apiVersion && r.plural === plural);
  if (resource === undefined || (namespaced && !resource.namespaced)) return undefined;
  return { resource, namespace, name, ...(subresource === undefined ? {} : { subresource }) };
}
