import type { FieldError } from './object-ref.js';
import { asRecord, recordAt, stringAt, type RawObject } from './raw.js';
import { addInto, maxInto, readResourceList, type ResourceList } from './resource-list.js';

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
 * started before it), whichever is larger per resource; then pod.spec.overhead is added (to limits
 * only where a limit is set). A container's missing request defaults to its limit, as the API
 * server's defaulting does.
 */
export function podResources(spec: RawObject | undefined, errors: FieldError[]): PodResources {
  const containers = readContainers(spec, 'containers', errors);
  const initContainers = readContainers(spec, 'initContainers', errors);
  const overhead = readResourceList(spec?.['overhead'], '/spec/overhead', errors);
  const requests = effective(containers, initContainers, (c) => c.requests);
  const limits = effective(containers, initContainers, (c) => c.limits);
  addInto(requests, overhead);
  for (const [name, value] of overhead) {
    const limit = limits.get(name);
    if (limit !== undefined) limits.set(name, limit + value);
  }
  return { requests, limits };
}

function effective(
  containers: readonly ContainerResources[],
  initContainers: readonly ContainerResources[],
  pick: (container: ContainerResources) => ResourceList,
): Map<string, bigint> {
  const sum = new Map<string, bigint>();
  for (const container of containers) addInto(sum, pick(container));
  if (initContainers.length === 0) return sum;
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
  return sum;
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
