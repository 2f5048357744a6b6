import type { CoordinationV1Api, KubeConfig, V1Lease } from '@kubernetes/client-node';
import { abortableCall } from '../abortable-call.js';
import { recordOf, specOf, type LeaderRecord } from './lease-record.js';

/** The three calls leader election makes (RBAC: get, create, update on leases). */
export type LeaseApi = Pick<
  CoordinationV1Api,
  'readNamespacedLease' | 'createNamespacedLease' | 'replaceNamespacedLease'
>;

/** A Lease as read: its record, its resourceVersion, and the object itself (kept for replaces). */
export interface ReadLease {
  readonly record: LeaderRecord;
  readonly version: string;
  readonly lease: V1Lease;
}

/** The HTTP status of a failed client-node call (ApiException.code). */
export function statusOf(err: unknown): number | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

/**
 * One named Lease, with optimistic concurrency: a create of an existing Lease and a replace carrying a
 * stale resourceVersion both come back as `'conflict'` (HTTP 409); other failures throw.
 */
export class LeaseClient {
  constructor(
    private readonly api: LeaseApi,
    readonly namespace: string,
    readonly name: string,
  ) {}

  /** The Lease, or undefined when there is none (404). */
  async get(): Promise<ReadLease | undefined> {
    try {
      const lease = await this.api.readNamespacedLease({ name: this.name, namespace: this.namespace });
      return { record: recordOf(lease.spec), version: lease.metadata?.resourceVersion ?? '', lease };
    } catch (err) {
      if (statusOf(err) === 404) return undefined;
      throw err;
    }
  }

  async create(record: LeaderRecord): Promise<ReadLease | 'conflict'> {
    const body: V1Lease = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: this.name, namespace: this.namespace },
      spec: specOf(record),
    };
    return this.write(() => this.api.createNamespacedLease({ namespace: this.namespace, body }), record);
  }

  /** Replaces the spec of `base` (as read, keeping its metadata and resourceVersion) with `record`. */
  async replace(base: ReadLease, record: LeaderRecord): Promise<ReadLease | 'conflict'> {
    const body: V1Lease = {
      ...base.lease,
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: {
        ...base.lease.metadata,
        name: this.name,
        namespace: this.namespace,
        resourceVersion: base.version,
      },
      spec: specOf(record),
    };
    return this.write(
      () => this.api.replaceNamespacedLease({ name: this.name, namespace: this.namespace, body }),
      record,
    );
  }

  private async write(call: () => Promise<V1Lease>, record: LeaderRecord): Promise<ReadLease | 'conflict'> {
    try {
      const lease = await call();
      return { record, version: lease.metadata?.resourceVersion ?? '', lease };
    } catch (err) {
      if (statusOf(err) === 409) return 'conflict';
      throw err;
    }
  }
}

/**
 * The Lease API from a kubeconfig (client-node loads only when a cluster is configured). Each HTTP
 * request is aborted after `timeoutMs` (default 10 s, the default renew deadline), so that a call the
 * elector has given up does not hold a connection for ever.
 */
export async function leaseApiFrom(
  kubeConfig: KubeConfig,
  options: { timeoutMs?: number } = {},
): Promise<LeaseApi> {
  const { CoordinationV1Api, Observable } = await import('@kubernetes/client-node');
  const api = kubeConfig.makeApiClient(CoordinationV1Api);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const call = () => abortableCall(AbortSignal.timeout(timeoutMs), Observable);
  return {
    readNamespacedLease: (param) => api.readNamespacedLease(param, call()),
    createNamespacedLease: (param) => api.createNamespacedLease(param, call()),
    replaceNamespacedLease: (param) => api.replaceNamespacedLease(param, call()),
  } as LeaseApi;
}
