import { LeaseReservationStore, SharedReservations, leaseName } from '@corral/admission';
import { UNIT } from '@corral/cluster';
import { fakeKubeConfig, startFakeApiServer, type FakeApiServer } from '../fake-apiserver/index.js';
import { leaseHandler } from './fake-leases.js';

describe('LeaseReservationStore on a fake API server', () => {
  let api: FakeApiServer;
  const leases = leaseHandler();
  beforeAll(async () => {
    api = await startFakeApiServer({ extra: leases.handler });
  });
  afterAll(async () => api.close());

  it('given no lease, loads empty; saves create then replace; a stale version conflicts', async () => {
    const store = await LeaseReservationStore.fromKubeConfig(fakeKubeConfig(api.url, 't'), 'corral-system');
    const empty = await store.load('department-finance');
    expect(empty).toEqual({ version: undefined, entries: [] });
    const entry = { key: 'Pod/a/b', scopes: ['namespace/a'], usage: { pods: String(UNIT) }, expiresAt: 1 };
    expect(await store.save('department-finance', undefined, [entry])).toBe('ok');
    expect(await store.save('department-finance', undefined, [entry])).toBe('conflict');
    const loaded = await store.load('department-finance');
    expect(loaded.entries).toEqual([entry]);
    expect(await store.save('department-finance', loaded.version, [])).toBe('ok');
    expect(await store.save('department-finance', loaded.version, [entry])).toBe('conflict');
    expect(leases.leases.has(`corral-system/${leaseName('department-finance')}`)).toBe(true);
  });

  it('given two replicas racing through the API, admits exactly the room', async () => {
    const kubeConfig = fakeKubeConfig(api.url, 't');
    const replica = async () =>
      new SharedReservations({
        store: await LeaseReservationStore.fromKubeConfig(kubeConfig, 'corral-system'),
        ttlMs: 60_000,
        isCounted: () => false,
        maxAttempts: 100,
      });
    const replicas = [await replica(), await replica()];
    const room = 10n * UNIT;
    const admit = (i: number) =>
      replicas[i % 2]!.admit('department-race', false, (reserved) => {
        const taken = reserved('department/race', `Pod/ns/p${i}`).held.get('pods') ?? 0n;
        const allowed = taken + UNIT <= room;
        return {
          decisions: [{ rule: 'q', outcome: allowed ? 'pass' : 'fail', message: allowed ? '' : 'full' }],
          demand: { key: `Pod/ns/p${i}`, scopes: ['department/race'], usage: new Map([['pods', UNIT]]) },
        };
      });
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => admit(i)));
    expect(results.filter((r) => r.decisions[0]?.outcome === 'pass')).toHaveLength(10);
  });
});
