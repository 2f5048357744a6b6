import { MemoryReservationStore } from '@corral/admission';
import { rawDepartment, rawNamespace, rawPvc, SnapshotStore } from '@corral/cluster';
import { podReview, startHttpsWebhook, teamSnapshot, type HttpsWebhook } from './support.js';

const spec = { containers: [{ name: 'a', image: 'x:1', resources: { requests: { cpu: '100m' } } }] };

async function burst(replicas: HttpsWebhook[], count: number, prefix: string): Promise<number> {
  const answers = await Promise.all(
    Array.from({ length: count }, (_, i) =>
      replicas[i % replicas.length]!.post('/validate', podReview('team-a', `${prefix}-${i}`, spec)),
    ),
  );
  expect(answers.every((a) => a.status === 200)).toBe(true);
  return answers.filter((a) => a.body.response.allowed).length;
}

describe('department quota across two replicas', () => {
  it('given a shared reservation store, 200 concurrent creates over 2 replicas admit exactly 50', async () => {
    const store = new MemoryReservationStore(3);
    const replicas = [
      await startHttpsWebhook(teamSnapshot(50), 5000, { reservationStore: store }),
      await startHttpsWebhook(teamSnapshot(50), 5000, { reservationStore: store }),
    ];
    try {
      expect(await burst(replicas, 200, 'shared')).toBe(50);
      expect(store.saves).toBeLessThan(50); // batched: one save serves several admissions of a replica
      expect(store.conflicts).toBeGreaterThan(0); // the replicas did race, and the version check caught it
    } finally {
      await Promise.all(replicas.map((r) => r.close()));
    }
  });

  it('given replicas with only their local ledgers, over-admits (why the shared store exists)', async () => {
    const replicas = [await startHttpsWebhook(teamSnapshot(50)), await startHttpsWebhook(teamSnapshot(50))];
    try {
      expect(await burst(replicas, 200, 'local')).toBe(100);
    } finally {
      await Promise.all(replicas.map((r) => r.close()));
    }
  });
});

function storageSnapshot(): SnapshotStore {
  const store = new SnapshotStore();
  store.replaceAll('Namespace', [rawNamespace('team-a', { 'corral.dev/department': 'team' })], 'test');
  store.replaceAll(
    'Department',
    [rawDepartment('team', { quota: { hard: { 'requests.storage': '10Gi' } } })],
    'test',
  );
  store.replaceAll('PersistentVolumeClaim', [rawPvc('team-a', 'data', '4Gi')], 'test');
  return store;
}

function claimReview(operation: 'CREATE' | 'UPDATE', name: string, storage: string, before?: string) {
  const claim = (size: string) => ({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name, namespace: 'team-a' },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: size } } },
  });
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: `uid-${operation}-${name}-${storage}`,
      kind: { group: '', version: 'v1', kind: 'PersistentVolumeClaim' },
      resource: { group: '', version: 'v1', resource: 'persistentvolumeclaims' },
      namespace: 'team-a',
      name,
      operation,
      userInfo: { username: 'dev' },
      object: claim(storage),
      oldObject: before === undefined ? null : claim(before),
    },
  };
}

describe('claim resizes across two replicas', () => {
  it("given another replica's reservation, a resize that no longer fits is refused; one that fits passes and holds its growth", async () => {
    const store = new MemoryReservationStore(3);
    const [a, b] = [
      await startHttpsWebhook(storageSnapshot(), 5000, { reservationStore: store }),
      await startHttpsWebhook(storageSnapshot(), 5000, { reservationStore: store }),
    ];
    try {
      // 4Gi counted (claim `data`) + 5Gi reserved by replica a = 9Gi of 10Gi.
      const created = await a!.post('/validate', claimReview('CREATE', 'new', '5Gi'));
      expect(created.body.response.allowed).toBe(true);
      const tooBig = await b!.post('/validate', claimReview('UPDATE', 'data', '6Gi', '4Gi'));
      expect(tooBig.body.response.allowed).toBe(false);
      expect(tooBig.body.response.status?.message).toContain('requests.storage');
      const fits = await b!.post('/validate', claimReview('UPDATE', 'data', '5Gi', '4Gi'));
      expect(fits.body.response.allowed).toBe(true);
      // The resize reserves its 1Gi in the shared record (ADR 0009, "Resizes"): 4 + 5 + 1 = 10Gi, so
      // replica a now refuses even 1Gi more.
      expect(store.saves).toBe(2);
      const full = await a!.post('/validate', claimReview('CREATE', 'one-more', '1Gi'));
      expect(full.body.response.allowed).toBe(false);
    } finally {
      await Promise.all([a, b].map((r) => r?.close()));
    }
  });
});
