import { CoordinationV1Api } from '@kubernetes/client-node';
import { LeaseReservationStore, leaseName, RESERVATIONS_ANNOTATION } from '@corral/admission';
import type { SnapshotStore } from '@corral/cluster';
import { fakeKubeConfig, startFakeApiServer, type FakeApiServer } from '../fake-apiserver/index.js';
import { podReview, startHttpsWebhook, teamSnapshot, type HttpsWebhook } from './support.js';

// Shared quota reservations attacked through the real HTTPS servers of several replicas, each with
// its own snapshot, sharing Lease records on the fake API server (docs/adr/0009).

let api: FakeApiServer;
/** Lease requests of these methods get no answer at all while set. */
const hung = new Set<string>();
beforeAll(async () => {
  api = await startFakeApiServer({
    extra: (req, _res, url) => hung.has(req.method ?? '') && url.pathname.includes('/leases/'),
  });
});
afterAll(async () => api.close());
afterEach(() => {
  hung.clear();
  api.clearFailures();
  const metadata = { name: leaseName('department-team'), namespace: 'corral-system' };
  api.remove({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata });
});

async function startReplicas(
  snapshots: readonly SnapshotStore[],
  deadlineMs = 5000,
): Promise<HttpsWebhook[]> {
  const kubeConfig = fakeKubeConfig(api.url, 't');
  return Promise.all(
    snapshots.map(async (snapshot) =>
      startHttpsWebhook(snapshot, deadlineMs, {
        reservationStore: await LeaseReservationStore.fromKubeConfig(kubeConfig, 'corral-system'),
      }),
    ),
  );
}

/** `count` concurrent pod creates in team-a, spread over the replicas; how many were admitted. */
async function burst(
  replicas: readonly HttpsWebhook[],
  count: number,
  prefix: string,
  spec: Record<string, unknown>,
): Promise<number> {
  const answers = await Promise.all(
    Array.from({ length: count }, (_, i) =>
      replicas[i % replicas.length]!.post('/validate', podReview('team-a', `${prefix}-${i}`, spec)),
    ),
  );
  expect(answers.every((a) => a.status === 200)).toBe(true);
  return answers.filter((a) => a.body.response.allowed).length;
}

describe('shared quota records across three replicas', () => {
  it('given pods asking 1e40 cpu (a quota on pods only), 200 concurrent creates against room for 50 admit exactly 50', async () => {
    // A valid pod whose usage runs past 40 digits of nano-units: its entry was written, then skipped
    // by every replica that loaded the record (and dropped at the next save), so its pod took no room.
    const replicas = await startReplicas([teamSnapshot(50), teamSnapshot(50), teamSnapshot(50)]);
    try {
      const spec = { containers: [{ name: 'a', image: 'x:1', resources: { requests: { cpu: '1e40' } } }] };
      expect(await burst(replicas, 200, 'huge', spec)).toBe(50);
    } finally {
      await Promise.all(replicas.map((r) => r.close()));
    }
  });
});

const LEASE_PATH = `/apis/coordination.k8s.io/v1/namespaces/corral-system/leases/${leaseName('department-team')}`;
const spec = { containers: [{ name: 'a', image: 'x:1' }] };

/**
 * A replica whose Lease client loses the answer of chosen PUTs: after `lose(meanwhile)`, the next
 * replace reaches the API server and is stored; then `meanwhile` runs (another replica's turn) and
 * the call fails as a reset connection does.
 */
async function replicaLosingAnswers(snapshot: SnapshotStore) {
  let losing: (() => Promise<unknown>) | undefined;
  const leases = fakeKubeConfig(api.url, 't').makeApiClient(CoordinationV1Api);
  const lossy = Object.create(leases) as CoordinationV1Api;
  lossy.replaceNamespacedLease = async (...args: Parameters<CoordinationV1Api['replaceNamespacedLease']>) => {
    const stored = await leases.replaceNamespacedLease(...args);
    const meanwhile = losing;
    if (meanwhile === undefined) return stored;
    losing = undefined;
    await meanwhile();
    throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
  };
  const replica = await startHttpsWebhook(snapshot, 5000, {
    reservationStore: new LeaseReservationStore(lossy, 'corral-system'),
  });
  return { replica, lose: (meanwhile: () => Promise<unknown>) => void (losing = meanwhile) };
}

const create = async (replica: HttpsWebhook, name: string) =>
  (await replica.post('/validate', podReview('team-a', name, spec))).body.response;

describe('a save whose outcome the replica does not know', () => {
  it('given a PUT stored but its answer lost, answers as saved, and the room stays exact', async () => {
    const [b] = await startReplicas([teamSnapshot(10)]);
    const a = await replicaLosingAnswers(teamSnapshot(10));
    try {
      expect((await create(a.replica, 'first')).allowed).toBe(true); // the Lease exists: saves are PUTs
      a.lose(async () => undefined);
      expect((await create(a.replica, 'lost')).allowed).toBe(true);
      expect(await burst([b!], 9, 'more', spec)).toBe(8);
    } finally {
      await Promise.all([a.replica.close(), b!.close()]);
    }
  });

  it('given a PUT stored, then another replica saving over it before the answer is lost, answers as saved', async () => {
    const [b] = await startReplicas([teamSnapshot(10)]);
    const a = await replicaLosingAnswers(teamSnapshot(10));
    try {
      expect((await create(a.replica, 'first')).allowed).toBe(true);
      a.lose(async () => expect((await create(b!, 'between')).allowed).toBe(true));
      expect((await create(a.replica, 'lost')).allowed).toBe(true);
      expect(await burst([b!], 8, 'more', spec)).toBe(7);
    } finally {
      await Promise.all([a.replica.close(), b!.close()]);
    }
  });

  it('given a PUT refused before it was stored (500), fails the review and holds nothing for it', async () => {
    const [a, b] = await startReplicas([teamSnapshot(10), teamSnapshot(10)]);
    try {
      expect((await create(a!, 'first')).allowed).toBe(true);
      api.failNext(1, { code: 500, path: LEASE_PATH, method: 'PUT' });
      const refused = await create(a!, 'failed');
      expect(refused).toMatchObject({ allowed: false, status: { code: 500 } });
      expect(await burst([b!], 10, 'more', spec)).toBe(9);
    } finally {
      await Promise.all([a!.close(), b!.close()]);
    }
  });
});

describe('API errors under load', () => {
  it('given 500s and 429s on the Lease amid 200 creates over three replicas, refused ones retried, admits exactly 50', async () => {
    const replicas = await startReplicas([teamSnapshot(50), teamSnapshot(50), teamSnapshot(50)]);
    try {
      api.failNext(6, { code: 500, path: LEASE_PATH, method: 'PUT' });
      api.failNext(6, { code: 429, path: LEASE_PATH, method: 'GET', retryAfterSeconds: 1 });
      let admitted = 0;
      let retried = 0;
      let names = Array.from({ length: 200 }, (_, i) => `load-${i}`);
      for (let round = 0; names.length > 0 && round < 10; round += 1) {
        const answers = await Promise.all(
          names.map((name, i) => replicas[i % 3]!.post('/validate', podReview('team-a', name, spec))),
        );
        admitted += answers.filter((a) => a.body.response.allowed).length;
        // What failed (500) is created again under a new name, as a controller does.
        names = names
          .filter((_, i) => answers[i]!.body.response.status?.code === 500)
          .map((name) => `${name}-again`);
        retried += names.length;
      }
      expect(names).toEqual([]);
      expect(retried).toBeGreaterThan(0); // the injected failures did refuse some reviews
      expect(admitted).toBe(50);
    } finally {
      await Promise.all(replicas.map((r) => r.close()));
    }
  });
});

describe('a Lease API that hangs or a Lease edited by hand', () => {
  it('given a PUT that never answers, then the GET after it, answers within the deadline (500)', async () => {
    // A deadline of 2.7 s: what a webhook timeoutSeconds of 3 leaves (with-admission.ts).
    const [a] = await startReplicas([teamSnapshot(10)], 2700);
    try {
      expect((await create(a!, 'first')).allowed).toBe(true);
      const puts = api.requests.count({ path: LEASE_PATH, method: 'PUT' });
      hung.add('PUT');
      const started = Date.now();
      const stuck = create(a!, 'stuck');
      await vi.waitFor(() => expect(api.requests.count({ path: LEASE_PATH, method: 'PUT' })).toBe(puts + 1));
      hung.add('GET'); // the read that follows the PUT given up (after 2 s) hangs too
      const answer = await stuck;
      expect(Date.now() - started).toBeLessThan(3000);
      expect(answer).toMatchObject({ allowed: false, status: { code: 500 } });
      expect(answer.status.message).toMatch(/no answer within 2700 ms/);
      hung.clear();
      expect((await create(a!, 'after')).allowed).toBe(true);
    } finally {
      await a!.close();
    }
  });

  it('given an annotation edited into something that is not JSON, refuses with a 500 naming the Lease until it is removed', async () => {
    const [a] = await startReplicas([teamSnapshot(10)]);
    try {
      expect((await create(a!, 'first')).allowed).toBe(true);
      const lease = api.upsert({
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: {
          name: leaseName('department-team'),
          namespace: 'corral-system',
          annotations: { [RESERVATIONS_ANNOTATION]: '[{"key": "Pod/team-a/' },
        },
      });
      const refused = await create(a!, 'edited');
      expect(refused).toMatchObject({ allowed: false, status: { code: 500 } });
      expect(refused.status.message).toContain(
        `Lease corral-system/${leaseName('department-team')}: annotation ${RESERVATIONS_ANNOTATION} is not JSON; remove the annotation`,
      );
      api.upsert({ ...lease, metadata: { ...lease.metadata, annotations: {} } });
      expect((await create(a!, 'fixed')).allowed).toBe(true);
    } finally {
      await a!.close();
    }
  });
});
