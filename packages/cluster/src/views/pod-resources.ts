import type { FieldError } from './object-ref.js';
import { asRecord, recordAt, stringAt, type RawObject } from './raw.js';
import {
  addInto,
  addResourceList,
  maxInto,
  quantityNanos,
  readResourceList,
  type ResourceList,
} from './resource-list.js';

/** A pod's effective requests and limits, as kube-scheduler and ResourceQuota compute them. */
export interface PodResources {
  readonly requests: ResourceList;
  readonly limits: ResourceList;
}

interface ContainerResources {
  readonly requests: ResourceList;
  readonly limits: ResourceList;
  /** An init container with restartPolicy Always (a sidecar): it keeps running beside the app. */
  readonly restartable: boolean;
}

/**
 * Follows k8s.io/component-helpers resource.PodRequests/PodLimits: the sum over app containers and
 * sidecars, against the maximum any init container needs while it runs (itself plus the sidecars
 * started before it), whichever is larger per resource; pod-level resources (`spec.resources`, the
 * PodLevelResources feature, beta and on by default since Kubernetes 1.34) replace those totals for
 * the resources they name (a missing pod-level request as the API server defaults it, see
 * withPodLevel); then pod.spec.overhead is added (to limits only where a limit is set). A
 * container's missing request defaults to its limit, as the API server's defaulting does. App
 * containers are summed straight into the pod's totals (read for every pod the snapshot sees and
 * every pod CREATE reviewed); init containers, whose order matters, are read one by one.
 */
export function podResources(spec: RawObject | undefined, errors: FieldError[]): PodResources {
  const requests = new Map<string, bigint>();
  const limits = new Map<string, bigint>();
  const containers = spec?.['containers'];
  if (Array.isArray(containers)) {
    for (let i = 0; i < containers.length; i++)
      addContainer(requests, limits, asRecord(containers[i]), `/spec/containers/${i}`, errors);
  }
  const initContainers = readContainers(spec, 'initContainers', errors);
  if (initContainers.length > 0) {
    withInitContainers(requests, initContainers, (c) => c.requests);
    withInitContainers(limits, initContainers, (c) => c.limits);
  }
  const podLevel = recordAt(spec, 'resources');
  if (podLevel !== undefined) withPodLevel(requests, limits, podLevel, errors);
  // Most pods have no overhead (it comes from a RuntimeClass): no map is read for them.
  const overheadList = spec?.['overhead'];
  if (overheadList !== undefined && overheadList !== null) {
    const overhead = readResourceList(overheadList, '/spec/overhead', errors);
    addInto(requests, overhead);
    for (const [name, value] of overhead) {
      const limit = limits.get(name);
      if (limit !== undefined) limits.set(name, limit + value);
    }
  }
  return { requests, limits };
}

/** The resources Kubernetes takes from `spec.resources` when set there (IsSupportedPodLevelResource). */
function isPodLevelResource(name: string): boolean {
  return name === 'cpu' || name === 'memory' || name.startsWith('hugepages-');
}

/** Pod-level resources that may be overcommitted (IsOvercommitAllowed): hugepages may not. */
const isOvercommitted = (name: string): boolean => name === 'cpu' || name === 'memory';

/**
 * Pod-level requests and limits win over the containers' totals, resource by resource. A pod-level
 * request missing beside its limit counts what kube-apiserver's defaulting sets it to (KEP-2837,
 * pkg/apis/core/v1 defaultPodRequests): for cpu and memory, the containers' effective request
 * (`requests` as the containers leave it: their sum, at least each init container's peak, no
 * overhead) where any container requests that resource (or limits it, which defaults its request);
 * otherwise, and always for hugepages, the limit. Pods from the API server already carry the
 * defaulted request; pods read from files (`corral check`, `corral explain`) do not. A pod could
 * otherwise give its containers tiny requests and take its real size at pod level, outside any quota.
 */
function withPodLevel(
  requests: Map<string, bigint>,
  limits: Map<string, bigint>,
  resources: RawObject,
  errors: FieldError[],
): void {
  const podLimits = readResourceList(resources['limits'], '/spec/resources/limits', errors);
  const podRequests = readResourceList(resources['requests'], '/spec/resources/requests', errors);
  for (const [name, value] of podLimits) {
    if (!isPodLevelResource(name)) continue;
    limits.set(name, value);
    if (podRequests.has(name)) continue;
    if (!(isOvercommitted(name) && requests.has(name))) requests.set(name, value);
  }
  for (const [name, value] of podRequests) if (isPodLevelResource(name)) requests.set(name, value);
}

/** Adds one app container's requests and limits into the pod's (a missing request counts its limit). */
function addContainer(
  requests: Map<string, bigint>,
  limits: Map<string, bigint>,
  container: RawObject | undefined,
  field: string,
  errors: FieldError[],
): void {
  const resources = recordAt(container, 'resources');
  const limitList = resources?.['limits'];
  const requestList = resources?.['requests'];
  addResourceList(limits, limitList, `${field}/resources/limits`, errors);
  addResourceList(requests, requestList, `${field}/resources/requests`, errors);
  const limitRecord = asRecord(limitList);
  if (limitRecord === undefined) return;
  const requestRecord = asRecord(requestList);
  for (const name in limitRecord) {
    // A request that is there and parses stands; otherwise the limit counts (an unparseable request
    // is already an error). Own keys only: `constructor` must not find Object's.
    if (requestRecord !== undefined && Object.hasOwn(requestRecord, name)) {
      if (quantityNanos(requestRecord[name]) !== undefined) continue;
    }
    const limit = quantityNanos(limitRecord[name]); // an unparseable one is already an error
    if (limit !== undefined) requests.set(name, (requests.get(name) ?? 0n) + limit);
  }
}

/** `sum` (the app containers') with the sidecars added, then at least each init container's peak. */
function withInitContainers(
  sum: Map<string, bigint>,
  initContainers: readonly ContainerResources[],
  pick: (container: ContainerResources) => ResourceList,
): void {
  // Without sidecars each init container runs alone and `sum` stays the app containers' until the
  // end: taking the larger of it and each init container in turn is the same, with no maps.
  if (!initContainers.some((init) => init.restartable)) {
    for (const init of initContainers) maxInto(sum, pick(init));
    return;
  }
  const sidecars = new Map<string, bigint>();
  const initPeak = new Map<string, bigint>();
  for (const init of initContainers) {
    if (init.restartable) {
      addInto(sum, pick(init));
      addInto(sidecars, pick(init));
      maxInto(initPeak, sidecars);
    } else if (sidecars.size === 0) {
      maxInto(initPeak, pick(init)); // runs alone: no copy needed
    } else {
      const running = new Map(sidecars);
      addInto(running, pick(init));
      maxInto(initPeak, running);
    }
  }
  maxInto(sum, initPeak);
}

function readContainers(
  spec: RawObject | undefined,
  key: string,
  errors: FieldError[],
): ContainerResources[] {
  const value = spec?.[key];
  if (!Array.isArray(value)) return [];
  return value.map((item: unknown, index) => readContainer(asRecord(item), `/spec/${key}/${index}`, errors));
}

function readContainer(
  container: RawObject | undefined,
  field: string,
  errors: FieldError[],
): ContainerResources {
  const resources = recordAt(container, 'resources');
  const limits = readResourceList(resources?.['limits'], `${field}/resources/limits`, errors);
  const requests = readResourceList(resources?.['requests'], `${field}/resources/requests`, errors);
  for (const [name, value] of limits) {
    if (!requests.has(name)) requests.set(name, value);
  }
  return { requests, limits, restartable: stringAt(container, 'restartPolicy') === 'Always' };
}
