import type { SnapshotStore } from '@corral/cluster';
import {
  buildAdmissionServer,
  DEFAULT_RULE_SETTINGS,
  MemoryReservationStore,
  type ReservationStore,
} from '@corral/admission';
import { createLogger, createMetrics, memoryDestination } from '@corral/runtime';
import { podReview, teamSnapshot } from './support.js';

// The audit's two findings on shared quota reservations, through the whole webhook (routes, envelope,
// deadline, rules, SharedReservations): replicas whose watches lag must not over-admit, and one hung
// call to the record must not block a department's creates.

const spec = { containers: [{ name: 'c', image: 'x:1' }] };
const pod = (name: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'team-a', uid: `uid-${name}` },
  spec,
  status: { phase: 'Pending' },
});

async function replica(snapshot: SnapshotStore, store: ReservationStore, deadlineMs = 2000) {
  const { app } = buildAdmissionServer({
    snapshot,
    settings: DEFAULT_RULE_SETTINGS,
    logger: createLogger({ level: 'error', name: 'test', destination: memoryDestination().stream }),
    readiness: () => ({ ready: true, reasons: [] }),
    deadlineMs,
    reservationTtlMs: 60_000,
    metrics: createMetrics({ service: 'admission', processMetrics: false }),
    reservationStore: store,
  });
  await app.ready();
  const admit = async (name: string) => {
    const reply = await app.inject({
      method: 'POST',
      url: '/validate',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify(podReview('team-a', name, spec)),
    });
    const body = JSON.parse(reply.body) as { response: { allowed: boolean; status?: { message: string } } };
    return body.response;
  };
  return { app, admit };
}

describe('shared quota reservations through the webhook', () => {
  it('given replica B behind replica A, never admits beyond the department quota', async () => {
    const store = new MemoryReservationStore();
    const snapshotA = teamSnapshot(2);
    const snapshotB = teamSnapshot(2);
    const a = await replica(snapshotA, store);
    const b = await replica(snapshotB, store);
    try {
      expect((await a.admit('p1')).allowed).toBe(true);
      snapshotA.upsert('Pod', pod('p1'), 'watch'); // A's watch delivers p1; B's lags
      expect((await a.admit('p2')).allowed).toBe(true);
      snapshotA.upsert('Pod', pod('p2'), 'watch');
      expect((await a.admit('p3')).allowed).toBe(false);
      expect((await b.admit('p4')).allowed).toBe(false);
      snapshotB.upsert('Pod', pod('p1'), 'watch');
      expect((await b.admit('p5')).allowed).toBe(false);
      snapshotB.upsert('Pod', pod('p2'), 'watch');
      expect((await b.admit('p6')).allowed).toBe(false);
    } finally {
      await Promise.all([a.app.close(), b.app.close()]);
    }
  });

  it('given a hung first load of the record, answers the next creates normally within the deadline', async () => {
    const memory = new MemoryReservationStore();
    let loads = 0;
    const store: ReservationStore = {
      load: (key) => (++loads === 1 ? new Promise<never>(() => undefined) : memory.load(key)),
      save: (key, version, entries) => memory.save(key, version, entries),
    };
    const deadlineMs = 300;
    const a = await replica(teamSnapshot(5), store, deadlineMs);
    try {
      const first = await a.admit('p1');
      expect(first.allowed).toBe(false); // enforce mode: no answer in time is a denial
      expect(first.status?.message).toMatch(/no answer within 300 ms/);
      for (const name of ['p2', 'p3', 'p4']) {
        const started = Date.now();
        expect((await a.admit(name)).allowed).toBe(true);
        expect(Date.now() - started).toBeLessThan(deadlineMs);
      }
      expect((await memory.load('department-team')).entries.map((e) => e.key)).toEqual(
        ['p2', 'p3', 'p4'].map((n) => `Pod/team-a/${n}`),
      );
    } finally {
      await a.app.close();
    }
  });
});
