import type { WatchedKind } from '../../sink.js';

/** Where the API server serves one watched kind, across all namespaces. */
export interface ResourceDescriptor {
  readonly kind: WatchedKind;
  readonly apiVersion: string;
  /** Collection path for LIST and WATCH, e.g. `/api/v1/pods`. */
  readonly path: string;
}

export const RESOURCES: Readonly<Record<WatchedKind, ResourceDescriptor>> = {
  Node: { kind: 'Node', apiVersion: 'v1', path: '/api/v1/nodes' },
  Namespace: { kind: 'Namespace', apiVersion: 'v1', path: '/api/v1/namespaces' },
  Pod: { kind: 'Pod', apiVersion: 'v1', path: '/api/v1/pods' },
  PersistentVolumeClaim: {
    kind: 'PersistentVolumeClaim',
    apiVersion: 'v1',
    path: '/api/v1/persistentvolumeclaims',
  },
  Department: {
    kind: 'Department',
    apiVersion: 'corral.dev/v1alpha1',
    path: '/apis/corral.dev/v1alpha1/departments',
  },
  NamespacePolicy: {
    kind: 'NamespacePolicy',
    apiVersion: 'corral.dev/v1alpha1',
    path: '/apis/corral.dev/v1alpha1/namespacepolicies',
  },
};
