/**
 * Builders of raw Kubernetes objects for tests and benchmarks (here and in the services): the
 * smallest valid object of each kind, with the fields that matter as options.
 */
type Resources = Readonly<Record<string, string>>;

export interface PodSpecOptions {
  readonly nodeName?: string;
  readonly phase?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly requests?: Resources;
  readonly limits?: Resources;
  readonly uid?: string;
  /** metadata.deletionTimestamp: the pod is being deleted (terminating). */
  readonly deletionTimestamp?: string;
  /** metadata.deletionGracePeriodSeconds: set with deletionTimestamp by the API server. */
  readonly deletionGracePeriodSeconds?: number;
}

export function rawPod(
  namespace: string,
  name: string,
  options: PodSpecOptions = {},
): Record<string, unknown> {
  const resources = {
    ...(options.requests ? { requests: options.requests } : {}),
    ...(options.limits ? { limits: options.limits } : {}),
  };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      namespace,
      name,
      uid: options.uid ?? `uid-${namespace}-${name}`,
      labels: options.labels ?? {},
      ...(options.deletionTimestamp ? { deletionTimestamp: options.deletionTimestamp } : {}),
      ...(options.deletionGracePeriodSeconds === undefined
        ? {}
        : { deletionGracePeriodSeconds: options.deletionGracePeriodSeconds }),
    },
    spec: {
      ...(options.nodeName ? { nodeName: options.nodeName } : {}),
      containers: [{ name: 'app', image: 'registry.example.com/app:1', resources }],
    },
    status: { phase: options.phase ?? 'Running' },
  };
}

export function rawNode(
  name: string,
  options: {
    labels?: Readonly<Record<string, string>>;
    allocatable?: Resources;
    unschedulable?: boolean;
  } = {},
): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: options.labels ?? {} },
    spec: options.unschedulable ? { unschedulable: true } : {},
    status: { allocatable: options.allocatable ?? { cpu: '8', memory: '32Gi', pods: '110' } },
  };
}

export function rawNamespace(
  name: string,
  labels: Readonly<Record<string, string>> = {},
): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } };
}

export function rawPvc(
  namespace: string,
  name: string,
  storage: string,
  options: { storageClass?: string; phase?: string; uid?: string } = {},
): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { namespace, name, ...(options.uid === undefined ? {} : { uid: options.uid }) },
    spec: {
      accessModes: ['ReadWriteOnce'],
      ...(options.storageClass ? { storageClassName: options.storageClass } : {}),
      resources: { requests: { storage } },
    },
    status: { phase: options.phase ?? 'Bound' },
  };
}

export function rawDepartment(
  name: string,
  spec: Record<string, unknown> = {},
  creationTimestamp?: string,
): Record<string, unknown> {
  return {
    apiVersion: 'corral.dev/v1alpha1',
    kind: 'Department',
    metadata: { name, ...(creationTimestamp ? { creationTimestamp } : {}) },
    spec,
  };
}

export function rawNamespacePolicy(
  namespace: string,
  name: string,
  spec: Record<string, unknown> = {},
  creationTimestamp?: string,
): Record<string, unknown> {
  return {
    apiVersion: 'corral.dev/v1alpha1',
    kind: 'NamespacePolicy',
    metadata: { namespace, name, ...(creationTimestamp ? { creationTimestamp } : {}) },
    spec,
  };
}
