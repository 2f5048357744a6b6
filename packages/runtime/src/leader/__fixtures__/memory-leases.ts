import type { V1Lease } from '@kubernetes/client-node';
import type { Clock } from '../clock.js';
import type { LeaseApi } from '../lease-client.js';

/** An error shaped like client-node's ApiException (`code`, and `headers` as client-node sets them). */
export class FakeApiError extends Error {
  constructor(
    readonly code: number,
    readonly headers: Record<string, string> = {},
  ) {
    super(`HTTP ${code}`);
  }
}

interface ClientControl {
  /** Calls from this client fail with this status while set. */
  failWith: number | undefined;
  /** Each call from this client takes this long (on the shared clock). */
  latencyMs: number;
  /** Calls from this client never answer while set (a hung connection). */
  hang: boolean;
}

/**
 * Leases kept in memory with kube-apiserver's optimistic concurrency (POST of an existing name and PUT
 * with a stale resourceVersion answer 409). Each elector gets its own client so a test can make the API
 * fail or slow down for one replica only. Every successful write is recorded in `history`.
 */
export class MemoryLeases {
  private readonly leases = new Map<string, V1Lease>();
  private revision = 0;
  readonly history: {
    /** The elector's client, or `kubectl` for a hand edit. */
    readonly client: string;
    readonly verb: 'create' | 'update';
    readonly lease: V1Lease;
  }[] = [];
  private readonly controls = new Map<string, ClientControl>();

  constructor(private readonly clock: Clock) {}

  get(namespace: string, name: string): V1Lease | undefined {
    const lease = this.leases.get(`${namespace}/${name}`);
    return lease === undefined ? undefined : structuredClone(lease);
  }

  /** Deletes a Lease (as `kubectl delete lease` would); false when there was none. */
  delete(namespace: string, name: string): boolean {
    return this.leases.delete(`${namespace}/${name}`);
  }

  /** Edits a Lease's spec by hand (as `kubectl edit lease` would): a new resourceVersion, no checks. */
  edit(namespace: string, name: string, spec: Partial<NonNullable<V1Lease['spec']>>): void {
    const current = this.leases.get(`${namespace}/${name}`);
    if (current === undefined) throw new Error(`no Lease ${namespace}/${name}`);
    this.store('kubectl', 'update', namespace, name, { ...current, spec: { ...current.spec, ...spec } });
  }

  control(client: string): ClientControl {
    let control = this.controls.get(client);
    if (control === undefined) {
      control = { failWith: undefined, latencyMs: 0, hang: false };
      this.controls.set(client, control);
    }
    return control;
  }

  client(client: string): LeaseApi {
    const call = async <T>(work: () => T): Promise<T> => {
      const control = this.control(client);
      if (control.hang) await new Promise<never>(() => undefined);
      if (control.latencyMs > 0)
        await new Promise<void>((resolve) => this.clock.after(control.latencyMs, resolve));
      else await Promise.resolve();
      if (control.failWith !== undefined) throw new FakeApiError(control.failWith);
      return work();
    };
    return {
      readNamespacedLease: ({ name, namespace }) => call(() => this.get(namespace, name) ?? this.fail(404)),
      createNamespacedLease: ({ namespace, body }) =>
        call(() => {
          const name = body.metadata?.name ?? '';
          if (this.leases.has(`${namespace}/${name}`)) this.fail(409);
          return this.store(client, 'create', namespace, name, body);
        }),
      replaceNamespacedLease: ({ name, namespace, body }) =>
        call(() => {
          const current = this.leases.get(`${namespace}/${name}`) ?? this.fail(404);
          if (body.metadata?.resourceVersion !== current.metadata?.resourceVersion) this.fail(409);
          return this.store(client, 'update', namespace, name, body);
        }),
    } as LeaseApi;
  }

  private store(client: string, verb: 'create' | 'update', namespace: string, name: string, body: V1Lease) {
    this.revision += 1;
    const lease: V1Lease = JSON.parse(JSON.stringify(body)) as V1Lease;
    lease.metadata = { ...lease.metadata, name, namespace, resourceVersion: String(this.revision) };
    this.leases.set(`${namespace}/${name}`, lease);
    this.history.push({ client, verb, lease: structuredClone(lease) });
    return structuredClone(lease);
  }

  private fail(code: number): never {
    throw new FakeApiError(code);
  }
}
