import { createHash } from 'node:crypto';
import type {
  ConfigurationOptions,
  CoordinationV1Api,
  KubeConfig,
  ObservableMiddleware,
  V1Lease,
} from '@kubernetes/client-node';
import { abortableCall } from '@corral/runtime';
import { ADM_ERR, AdmissionError } from '../errors.js';
import {
  isStoredAmount,
  type ReservationStore,
  type StoredRecord,
  type StoredReservation,
} from './reservation-store.js';

/**
 * Shared quota reservations in coordination.k8s.io/v1 Leases, one per coordination key, named
 * `corral-quota-<key>` in Corral's namespace. The entries live as JSON in the annotation
 * `corral.dev/quota-reservations`; the Lease's resourceVersion is the version: a replace with a stale
 * resourceVersion is refused with 409 Conflict by the API server, and so is a create of an existing
 * Lease. Sequences: load = GET (404 → empty, no version); save = POST when there was no Lease, else
 * PUT carrying the loaded resourceVersion; 409 → `conflict` (the caller reloads and decides again).
 * A PUT answered 404 NotFound (the Lease was deleted since the GET; Leases are not created on update)
 * is a `conflict` too: the reload finds no Lease, and the next save creates it. A POST answered 404
 * (the namespace does not exist) is an error.
 * Each call is given up when its signal aborts (the HTTP request is aborted too): a PUT given up that
 * way may still have been stored, which only holds its reservation until the TTL.
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

const MAX_NAME = 253;
const HASH_CHARS = 16;
const trimEnd = (text: string): string => text.replace(/[^a-z0-9]+$/, '');

/**
 * DNS-1123 subdomain from a coordination key (`department-finance` → `corral-quota-department-finance`).
 * A name that would pass 253 characters (a department name near its own limit) is cut and ends in a
 * hash of the whole key instead, so that it stays valid (no `-` or `.` at the end) and two keys that
 * share their first 230 characters still get Leases of their own.
 */
export function leaseName(coordinationKey: string): string {
  const safe = coordinationKey
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '-')
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
  const name = `corral-quota-${safe}`;
  if (name.length <= MAX_NAME) return name;
  const hash = createHash('sha256').update(coordinationKey).digest('hex').slice(0, HASH_CHARS);
  return `${trimEnd(name.slice(0, MAX_NAME - HASH_CHARS - 1))}-${hash}`;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** `{<quota key>: "<nano-units>"}`, as `save` writes a usage or a target. */
const isAmounts = (value: unknown): value is Record<string, string> =>
  isRecord(value) && Object.values(value).every(isStoredAmount);

/**
 * An entry as written by `save` (another writer's leftovers, or a hand edit, are skipped). Other
 * fields are kept as they are, and saved again with the entry.
 */
function isEntry(value: unknown): value is StoredReservation {
  if (!isRecord(value) || typeof value['key'] !== 'string') return false;
  const { scopes, usage, expiresAt, target } = value;
  return (
    Array.isArray(scopes) &&
    scopes.every((scope) => typeof scope === 'string') &&
    isAmounts(usage) &&
    (target === undefined || isAmounts(target)) &&
    typeof expiresAt === 'number' &&
    Number.isFinite(expiresAt)
  );
}

function parseEntries(lease: V1Lease): StoredReservation[] {
  const text = lease.metadata?.annotations?.[RESERVATIONS_ANNOTATION];
  if (!text) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    const name = `${lease.metadata?.namespace ?? ''}/${lease.metadata?.name ?? ''}`;
    throw new AdmissionError(
      ADM_ERR.INTERNAL,
      `Lease ${name}: annotation ${RESERVATIONS_ANNOTATION} is not JSON; remove the annotation`,
      { cause },
    );
  }
  return Array.isArray(parsed) ? parsed.filter(isEntry) : [];
}

/** Per-call client options that abort the HTTP request when `signal` aborts. */
export type CallOptions = (signal: AbortSignal) => ConfigurationOptions<ObservableMiddleware>;

export class LeaseReservationStore implements ReservationStore {
  constructor(
    private readonly api: LeaseApi,
    private readonly namespace: string,
    private readonly callOptions?: CallOptions,
  ) {}

  static async fromKubeConfig(kubeConfig: KubeConfig, namespace: string): Promise<LeaseReservationStore> {
    const { CoordinationV1Api, Observable } = await import('@kubernetes/client-node');
    const callOptions: CallOptions = (signal) => abortableCall(signal, Observable);
    return new LeaseReservationStore(kubeConfig.makeApiClient(CoordinationV1Api), namespace, callOptions);
  }

  private options(signal: AbortSignal | undefined): ConfigurationOptions<ObservableMiddleware> | undefined {
    return signal && this.callOptions ? this.callOptions(signal) : undefined;
  }

  async load(coordinationKey: string, signal?: AbortSignal): Promise<StoredRecord> {
    try {
      const lease = await this.api.readNamespacedLease(
        { name: leaseName(coordinationKey), namespace: this.namespace },
        this.options(signal),
      );
      return { version: lease.metadata?.resourceVersion, entries: parseEntries(lease) };
    } catch (err) {
      if (statusOf(err) === 404) return { version: undefined, entries: [] };
      throw err;
    }
  }

  async save(
    coordinationKey: string,
    version: string | undefined,
    entries: readonly StoredReservation[],
    signal?: AbortSignal,
  ) {
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
      const options = this.options(signal);
      if (version === undefined) {
        await this.api.createNamespacedLease({ namespace: this.namespace, body }, options);
      } else await this.api.replaceNamespacedLease({ name, namespace: this.namespace, body }, options);
      return 'ok' as const;
    } catch (err) {
      const status = statusOf(err);
      if (status === 409 || (status === 404 && version !== undefined)) return 'conflict' as const;
      throw err;
    }
  }
}
