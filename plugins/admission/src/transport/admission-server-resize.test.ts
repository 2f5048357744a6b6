import { rawDepartment, rawNamespace, rawPod, SnapshotStore } from '@corral/cluster';
import { createMetrics } from '@corral/runtime';
import { pino } from 'pino';
import { DEFAULT_RULE_SETTINGS } from '../decide/settings.js';
import { MemoryReservationStore, type ReservationStore } from '../effects/reservation-store.js';
import { buildAdmissionServer, type AdmissionServer } from './admission-server.js';

/**
 * The admission server composed as it runs (ledger, snapshot settlement, shared record), its
 * webhooks called in process: concurrent pod resizes against the room of a department quota.
 */
const PODS = 200;
/** 200 pods at 100m (20 cpu), and room for 50 resizes of +900m: 20 + 50 × 0.9 = 65. */
const HARD_CPU = '65';

const running = (name: string, cpu: string) =>
  rawPod('team-a', name, { uid: `u-${name}`, requests: { cpu } });

/** One replica's snapshot: namespace team-a of department team, its 200 pods at 100m. */
function snapshot(): SnapshotStore {
  const store = new SnapshotStore();
  store.replaceAll('Namespace', [rawNamespace('team-a', { 'corral.dev/department': 'team' })], 'test');
  store.replaceAll(
    'Department',
    [rawDepartment('team', { quota: { hard: { 'requests.cpu': HARD_CPU } } })],
    'test',
  );
  store.replaceAll(
    'Pod',
    Array.from({ length: PODS }, (_, i) => running(`p-${i}`, '100m')),
    'test',
  );
  return store;
}

function server(store: SnapshotStore, reservationStore?: ReservationStore): AdmissionServer {
  return buildAdmissionServer({
    snapshot: store,
    settings: DEFAULT_RULE_SETTINGS,
    logger: pino({ level: 'silent' }),
    readiness: () => ({ ready: true, reasons: [] }),
    deadlineMs: 5000,
    reservationTtlMs: 60_000,
    metrics: createMetrics({ service: 'admission', processMetrics: false }),
    ...(reservationStore ? { reservationStore } : {}),
  });
}

const pod = (name: string, cpu: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'team-a', uid: `u-${name}` },
  spec: { containers: [{ name: 'app', image: 'x:1', resources: { requests: { cpu } } }] },
});

/** A pods/resize review of `name` from 100m to 1 cpu, or a CREATE of a new 900m pod. */
function review(name: string, operation: 'resize' | 'create') {
  const resize = operation === 'resize';
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: `${operation}-${name}`,
      kind: { group: '', version: 'v1', kind: 'Pod' },
      resource: { group: '', version: 'v1', resource: 'pods' },
      ...(resize ? { subResource: 'resize' } : {}),
      namespace: 'team-a',
      name,
      operation: resize ? 'UPDATE' : 'CREATE',
      userInfo: { username: 'dev' },
      object: pod(name, resize ? '1' : '900m'),
      oldObject: resize ? pod(name, '100m') : null,
    },
  };
}

async function admitted(
  replicas: AdmissionServer[],
  reviews: ReturnType<typeof review>[],
): Promise<string[]> {
  const answers = await Promise.all(
    reviews.map((body, i) =>
      replicas[i % replicas.length]!.app.inject({ method: 'POST', url: '/validate', payload: body }),
    ),
  );
  expect(answers.every((answer) => answer.statusCode === 200)).toBe(true);
  return answers
    .map((answer) => answer.json().response as { uid: string; allowed: boolean })
    .filter((response) => response.allowed)
    .map((response) => response.uid);
}

const resizes = (count: number) => Array.from({ length: count }, (_, i) => review(`p-${i}`, 'resize'));

describe('concurrent pod resizes against a department quota', () => {
  it('given 200 concurrent resizes and room for 50 increases, admits exactly 50; the snapshot at the new sizes ends their reservations', async () => {
    const store = snapshot();
    const replica = server(store);
    try {
      const admittedUids = await admitted([replica], resizes(PODS));
      expect(admittedUids).toHaveLength(50);
      expect(replica.ledger.resizeCount).toBe(50);
      // The watch delivers every pod, the resized ones at 1 cpu: counted there, no longer reserved.
      const grown = new Set(admittedUids.map((uid) => uid.replace('resize-', '')));
      const pods = Array.from({ length: PODS }, (_, i) => `p-${i}`);
      store.replaceAll(
        'Pod',
        pods.map((name) => running(name, grown.has(name) ? '1' : '100m')),
        'test',
      );
      expect(replica.ledger.size).toBe(0);
      const more = pods.find((name) => !grown.has(name))!;
      expect(await admitted([replica], [review(more, 'resize')])).toEqual([]);
    } finally {
      await replica.app.close();
    }
  });

  it('given resizes racing creates of the same size, admits exactly the room between them', async () => {
    const replica = server(snapshot());
    try {
      const mixed = Array.from({ length: 100 }, (_, i) =>
        i % 2 === 0 ? review(`p-${i}`, 'resize') : review(`new-${i}`, 'create'),
      );
      expect(await admitted([replica], mixed)).toHaveLength(50);
    } finally {
      await replica.app.close();
    }
  });

  it('given two replicas sharing the reservation record, 200 concurrent resizes admit exactly 50', async () => {
    const shared = new MemoryReservationStore(3);
    const replicas = [server(snapshot(), shared), server(snapshot(), shared)];
    try {
      expect(await admitted(replicas, resizes(PODS))).toHaveLength(50);
      expect(shared.saves).toBeLessThan(50); // batched, as creates are
      expect(shared.conflicts).toBeGreaterThan(0); // the replicas did race
    } finally {
      await Promise.all(replicas.map((replica) => replica.app.close()));
    }
  });
});
