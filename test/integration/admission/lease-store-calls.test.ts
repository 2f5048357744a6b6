import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  LeaseReservationStore,
  RESERVATIONS_ANNOTATION,
  SharedReservations,
  leaseName,
} from '@corral/admission';
import { UNIT } from '@corral/cluster';
import { fakeKubeConfig, startFakeApiServer, type FakeApiServer } from '../fake-apiserver/index.js';
import { leaseHandler } from './fake-leases.js';

// The Lease store's calls can be given up (docs/adr/0009): the HTTP request is aborted when the
// call's signal aborts, so a hung API server holds neither the queue nor a socket.

describe('LeaseReservationStore calls that hang', () => {
  let api: FakeApiServer;
  const leases = leaseHandler();
  let hang = false;
  const hung: IncomingMessage[] = [];
  let closedEarly = 0;
  const handler = (req: IncomingMessage, res: ServerResponse, url: URL): boolean => {
    if (hang && url.pathname.includes('/leases')) {
      hung.push(req);
      res.on('close', () => {
        if (!res.writableEnded) closedEarly += 1;
      });
      return true; // never answers
    }
    return leases.handler(req, res, url);
  };
  beforeAll(async () => {
    api = await startFakeApiServer({ extra: handler });
  });
  afterAll(async () => api.close());
  afterEach(() => {
    hang = false;
  });

  const store = () => LeaseReservationStore.fromKubeConfig(fakeKubeConfig(api.url, 't'), 'corral-system');

  it('given a signal that aborts, gives up the GET and closes the HTTP request', async () => {
    hang = true;
    const before = closedEarly;
    await expect((await store()).load('department-hung', AbortSignal.timeout(50))).rejects.toThrow();
    await vi.waitFor(() => expect(closedEarly).toBe(before + 1));
    expect(hung.at(-1)?.method).toBe('GET');
  });

  it('given a hung API server, SharedReservations times the call out and the next request goes through', async () => {
    const shared = new SharedReservations({
      store: await store(),
      ttlMs: 60_000,
      isCounted: () => false,
      callTimeoutMs: 100,
    });
    const decide = (name: string) => () => ({
      decisions: [{ rule: 'quota', outcome: 'pass' as const, message: '' }],
      demand: { key: `Pod/ns/${name}`, scopes: ['department/d'], usage: new Map([['pods', UNIT]]) },
    });
    hang = true;
    const first = shared.admit('department-d', false, decide('p1'));
    const second = shared.admit('department-d', false, decide('p2'));
    await expect(first).rejects.toThrow(/load got no answer within 100 ms/);
    hang = false;
    await expect(second).resolves.toMatchObject({ demand: { key: 'Pod/ns/p2' } });
    const stored = leases.leases.get(`corral-system/${leaseName('department-d')}`) as {
      metadata: { annotations: Record<string, string> };
    };
    const entries = JSON.parse(stored.metadata.annotations[RESERVATIONS_ANNOTATION]!) as { key: string }[];
    expect(entries.map((e) => e.key)).toEqual(['Pod/ns/p2']);
  });

  it('given an annotation with malformed entries, loads only the well-formed ones', async () => {
    const good = { key: 'Pod/a/b', scopes: ['namespace/a'], usage: { pods: String(UNIT) }, expiresAt: 5 };
    const bad = [
      { ...good, usage: { pods: 'lots' } },
      { ...good, expiresAt: 'soon' },
      { ...good, scopes: 'namespace/a' },
      'Pod/a/c',
      null,
    ];
    leases.leases.set(`corral-system/${leaseName('department-odd')}`, {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: {
        name: leaseName('department-odd'),
        namespace: 'corral-system',
        resourceVersion: '7',
        annotations: { [RESERVATIONS_ANNOTATION]: JSON.stringify([good, ...bad]) },
      },
      spec: {},
    });
    expect(await (await store()).load('department-odd')).toEqual({ version: '7', entries: [good] });
  });

  it('given an annotation that is not JSON, fails with a message naming the Lease and the fix', async () => {
    leases.leases.set(`corral-system/${leaseName('department-broken')}`, {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: {
        name: leaseName('department-broken'),
        namespace: 'corral-system',
        resourceVersion: '8',
        annotations: { [RESERVATIONS_ANNOTATION]: '[{"key":' },
      },
      spec: {},
    });
    await expect((await store()).load('department-broken')).rejects.toThrow(
      `Lease corral-system/${leaseName('department-broken')}: annotation ${RESERVATIONS_ANNOTATION} is not JSON; remove the annotation`,
    );
  });
});
