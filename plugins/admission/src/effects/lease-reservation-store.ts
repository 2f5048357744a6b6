import type { CoordinationV1Api, KubeConfig, V1Lease } from '@kubernetes/client-node';
import type { ReservationStore, StoredRecord, StoredReservation } from './reservation-store.js';

/**
 * Shared quota reservations in coordination.k8s.io/v1 Leases, one per coordination key, named
 * `corral-quota-<key>` in Corral's namespace. The entries live as JSON in the annotation
 * `corral.dev/quota-reservations`; the Lease's resourceVersion is the version: a replace with a stale
 * resourceVersion is refused with 409 Conflict by the API server, and so is a create of an existing
 * Lease. Sequences: load = GET (404 → empty, no version); save = POST when there was no Lease, else
 * PUT carrying the loaded resourceVersion; 409 → `conflict` (the caller reloads and decides again).
 */
export const RESERVATIONS_ANNOTATION = 'corral.dev/quota-reservations';

type LeaseApi = Pick<
  CoordinationV1Api,
  'readNamespacedLease' | 'createNamespacedLease' | 'replaceNamespacedLease'
>;

const statusOf = (err: unknown): number | undefined => {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
};

/** DNS-1123 subdomain from a coordination key (`department-finance` → `corral-quota-department-finance`). */
export function leaseName(coordinationKey: string): string {
  const safe = coordinationKey
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '-')
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
  return `corral-quota-${safe}`.slice(0, 253);
}

function parseEntries(lease: V1Lease): StoredReservation[] {
  const text = lease.metadata?.annotations?.[RESERVATIONS_ANNOTATION];
  if (!text) return [];
  const parsed: unknown = JSON.parse(text);
  return Array.isArray(parsed) ? (parsed as StoredReservation[]) : [];
}

export class LeaseReservationStore implements ReservationStore {
  constructor(
    private readonly api: LeaseApi,
    private readonly namespace: string,
  ) {}

  static async fromKubeConfig(kubeConfig: KubeConfig, namespace: string): Promise<LeaseReservationStore> {
    const { CoordinationV1Api } = await import('@kubernetes/client-node');
    return new LeaseReservationStore(kubeConfig.makeApiClient(CoordinationV1Api), namespace);
  }

  async load(coordinationKey: string): Promise<StoredRecord> {
    try {
      const lease = await this.api.readNamespacedLease({
        name: leaseName(coordinationKey),
        namespace: this.namespace,
      });
      return { version: lease.metadata?.resourceVersion, entries: parseEntries(lease) };
    } catch (err) {
      if (statusOf(err) === 404) return { version: undefined, entries: [] };
      throw err;
    }
  }

  async save(coordinationKey: string, version: string | undefined, entries: readonly StoredReservation[]) {
    const name = leaseName(coordinationKey);
    const body: V1Lease = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: {
        name,
        namespace: this.namespace,
        ...(version === undefined ? {} : { resourceVersion: version }),
        labels: { 'app.kubernetes.io/managed-by': 'corral-admission' },
        annotations: { [RESERVATIONS_ANNOTATION]: JSON.stringify(entries) },
      },
      spec: {},
    };
    try {
      if (version === undefined) await this.api.createNamespacedLease({ namespace: this.namespace, body });
      else await this.api.replaceNamespacedLease({ name, namespace: this.namespace, body });
      return 'ok' as const;
    } catch (err) {
      if (statusOf(err) === 409) return 'conflict' as const;
      throw err;
    }
  }
}
