import { CoordinationV1Api } from '@kubernetes/client-node';
import { LeaseReservationStore, leaseName, SharedReservations } from '@corral/admission';
import { UNIT } from '@corral/cluster';
import { fakeKubeConfig, startFakeApiServer, type FakeApiServer } from '../fake-apiserver/index.js';

// A quota Lease deleted between the GET and the PUT of a batch (by hand, or by a cleanup): the
// fake API server answers that PUT 404 NotFound, as kube-apiserver does (Leases are not created on
// update), and the batch reloads and creates the Lease again (docs/adr/0009).

const KEY = 'department-team';
const LEASE = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease' } as const;
const metadata = { name: leaseName(KEY), namespace: 'corral-system' };
const LEASE_PATH = `/apis/coordination.k8s.io/v1/namespaces/corral-system/leases/${leaseName(KEY)}`;
const LEASES_PATH = '/apis/coordination.k8s.io/v1/namespaces/corral-system/leases';

let api: FakeApiServer;
beforeAll(async () => {
  api = await startFakeApiServer();
});
afterAll(async () => api.close());

/** A replica whose Lease client deletes the Lease on the server right after its next GET answers. */
function replica() {
  const leases = fakeKubeConfig(api.url, 't').makeApiClient(CoordinationV1Api);
  let deleteAfterRead = false;
  const racing = Object.create(leases) as CoordinationV1Api;
  racing.readNamespacedLease = async (...args: Parameters<CoordinationV1Api['readNamespacedLease']>) => {
    const lease = await leases.readNamespacedLease(...args);
    if (deleteAfterRead) {
      deleteAfterRead = false;
      expect(api.remove({ ...LEASE, metadata })).toBe(true);
    }
    return lease;
  };
  const shared = new SharedReservations({
    store: new LeaseReservationStore(racing, 'corral-system'),
    ttlMs: 60_000,
    isCounted: () => false,
  });
  const admit = (name: string) =>
    shared.admit(KEY, false, () => ({
      decisions: [{ rule: 'quota', outcome: 'pass', message: '' }],
      demand: { key: `Pod/team-a/${name}`, scopes: ['department/team'], usage: new Map([['pods', UNIT]]) },
    }));
  return { admit, deleteNextAfterRead: () => (deleteAfterRead = true) };
}

describe('a quota Lease deleted between GET and PUT', () => {
  it('given the PUT answered 404, reloads (no Lease) and creates it, and admits', async () => {
    const { admit, deleteNextAfterRead } = replica();
    await admit('p1'); // creates the Lease
    deleteNextAfterRead();
    const result = await admit('p2');
    expect(result.decisions.map((d) => d.outcome)).toEqual(['pass']);
    const methods = api.requests
      .all()
      .filter((r) => r.path === LEASE_PATH || r.path === LEASES_PATH)
      .map((r) => r.method);
    // p1: GET (404), POST; p2: GET, PUT (404: deleted meanwhile), GET (404), POST
    expect(methods).toEqual(['GET', 'POST', 'GET', 'PUT', 'GET', 'POST']);
    const leases = fakeKubeConfig(api.url, 't').makeApiClient(CoordinationV1Api);
    const stored = await leases.readNamespacedLease(metadata);
    const entries = JSON.parse(stored.metadata?.annotations?.['corral.dev/quota-reservations'] ?? '[]');
    expect(entries.map((entry: { key: string }) => entry.key)).toEqual(['Pod/team-a/p2']);
  });
});
