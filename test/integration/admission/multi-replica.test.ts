import { MemoryReservationStore } from '@corral/admission';
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
      expect(store.saves).toBe(50);
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
