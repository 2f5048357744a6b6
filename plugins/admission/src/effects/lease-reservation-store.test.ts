import type { V1Lease } from '@kubernetes/client-node';
import { LeaseReservationStore, RESERVATIONS_ANNOTATION } from './lease-reservation-store.js';
import { MAX_AMOUNT_DIGITS, type StoredReservation } from './reservation-store.js';

type LeaseApi = ConstructorParameters<typeof LeaseReservationStore>[0];

/** A Lease API holding one Lease in memory (no version checks: those are tested on the fake API server). */
function leaseApi(annotation: string | undefined) {
  let lease: V1Lease = {
    metadata: {
      name: 'corral-quota-department-eng',
      namespace: 'corral-system',
      resourceVersion: '7',
      ...(annotation === undefined ? {} : { annotations: { [RESERVATIONS_ANNOTATION]: annotation } }),
    },
  };
  const api = {
    readNamespacedLease: async () => lease,
    createNamespacedLease: async ({ body }: { body: V1Lease }) => (lease = body),
    replaceNamespacedLease: async ({ body }: { body: V1Lease }) => (lease = body),
  };
  return { api, saved: () => JSON.parse(lease.metadata?.annotations?.[RESERVATIONS_ANNOTATION] ?? '[]') };
}

const create: StoredReservation = {
  key: 'Pod/team/new/u-2',
  scopes: ['namespace/team'],
  usage: { pods: '1000000000' },
  expiresAt: 5,
};
const resize: StoredReservation = {
  key: 'resize/Pod/team/web-0/u-1',
  scopes: ['namespace/team', 'department/eng'],
  usage: { 'requests.cpu': '4000000000' },
  expiresAt: 5,
  target: { 'requests.cpu': '5000000000' },
};

describe('LeaseReservationStore: resize entries', () => {
  it('given entries with and without a target, loads both as written and saves them back unchanged', async () => {
    const { api, saved } = leaseApi(JSON.stringify([create, resize]));
    const store = new LeaseReservationStore(api as unknown as LeaseApi, 'corral-system');
    const loaded = await store.load('department-eng');
    expect(loaded.entries).toEqual([create, resize]);
    expect(await store.save('department-eng', loaded.version, loaded.entries)).toBe('ok');
    expect(saved()).toEqual([create, resize]);
  });

  it('given a target that is not amounts (a hand edit), skips that entry alone', async () => {
    const broken = { ...resize, target: { 'requests.cpu': 'five' } };
    const { api } = leaseApi(JSON.stringify([create, broken]));
    const store = new LeaseReservationStore(api as unknown as LeaseApi, 'corral-system');
    expect((await store.load('department-eng')).entries).toEqual([create]);
  });
});

describe('LeaseReservationStore: large amounts', () => {
  it('given an entry of a pod asking cpu 1e50 (60 digits of nano-units), loads it as written', async () => {
    const huge: StoredReservation = {
      ...create,
      usage: { pods: '1000000000', 'requests.cpu': `1${'0'.repeat(59)}` },
    };
    const { api } = leaseApi(JSON.stringify([huge]));
    const store = new LeaseReservationStore(api as unknown as LeaseApi, 'corral-system');
    expect((await store.load('department-eng')).entries).toEqual([huge]);
  });

  it('given an amount past MAX_AMOUNT_DIGITS (a hand edit), skips that entry alone', async () => {
    const long = { ...create, key: 'Pod/team/long/u-3', usage: { pods: '9'.repeat(MAX_AMOUNT_DIGITS + 1) } };
    const { api } = leaseApi(JSON.stringify([create, long]));
    const store = new LeaseReservationStore(api as unknown as LeaseApi, 'corral-system');
    expect((await store.load('department-eng')).entries).toEqual([create]);
  });
});

describe('LeaseReservationStore: a Lease deleted between GET and PUT', () => {
  const notFound = () =>
    Object.assign(new Error('leases "corral-quota-department-eng" not found'), { code: 404 });

  it('given a PUT answered 404 NotFound (no create-on-update for Leases), answers conflict', async () => {
    const { api } = leaseApi('[]');
    api.replaceNamespacedLease = () => Promise.reject(notFound());
    const store = new LeaseReservationStore(api as unknown as LeaseApi, 'corral-system');
    const loaded = await store.load('department-eng');
    expect(await store.save('department-eng', loaded.version, [create])).toBe('conflict');
  });

  it('given a POST answered 404 (the namespace is missing), fails with that error', async () => {
    const { api } = leaseApi(undefined);
    api.createNamespacedLease = () => Promise.reject(notFound());
    const store = new LeaseReservationStore(api as unknown as LeaseApi, 'corral-system');
    await expect(store.save('department-eng', undefined, [create])).rejects.toMatchObject({ code: 404 });
  });
});
