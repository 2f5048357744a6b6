/**
 * A burst of pod CREATEs through the shared quota record (docs/adr/0009), the path every replica
 * takes when the admission service runs against a cluster: N concurrent reviews in one department
 * with ample quota, answered through the validating webhook's handler (`withAdmission`, the 8 s
 * deadline of the Deployment), against an in-process store whose loads and saves each take a random
 * 0 to BENCH_STORE_MS ms (default 20: a healthy API server's Lease GET/PUT). Rows, in one run:
 * - `one at a time`: `maxBatch: 1`, how the record was used before the ninth session (the baseline);
 * - `batched`: the default (up to 64 waiting reviews per load and save);
 * - `batched, 2 replicas`: two replicas, each with its own batching, on one store (conflicts).
 * For each: wall time of the burst, answers within the deadline, saves and conflicts, and the
 * reviews' p50/p99 latency. The snapshot never shows the pods (the worst case: every admitted pod
 * holds an entry), so N stays under the record's 512 entries.
 *
 * Run: `npx tsx --conditions corral-source bench/admission-shared-burst.bench.ts` (BENCH_N, default
 * 500; BENCH_STORE_MS, default 20).
 */
import { rawDepartment, rawNamespace, SnapshotStore } from '@corral/cluster';
import { DEFAULT_RULE_SETTINGS } from '../plugins/admission/src/decide/settings.js';
import { ReservationLedger } from '../plugins/admission/src/effects/reservation-ledger.js';
import { MemoryReservationStore } from '../plugins/admission/src/effects/reservation-store.js';
import { SharedReservations } from '../plugins/admission/src/effects/shared-reservations.js';
import { podRequest } from '../plugins/admission/src/testing/example-snapshot.js';
import { countedBySnapshot, reviewHandlers } from '../plugins/admission/src/transport/review-handlers.js';
import { withAdmission } from '../plugins/admission/src/transport/with-admission.js';

const N = Number(process.env['BENCH_N'] ?? 500);
const STORE_MS = Number(process.env['BENCH_STORE_MS'] ?? 20);
const DEADLINE_MS = 8000;
const resources = { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '100m', memory: '64Mi' } };
const spec = { containers: [{ name: 'worker', image: 'harbor.example.com/research/worker:1', resources }] };

function snapshot(): SnapshotStore {
  const store = new SnapshotStore();
  store.replaceAll('Namespace', [rawNamespace('ml-jobs', { 'corral.dev/department': 'research' })], 'bench');
  const hard = { pods: '100000', 'requests.cpu': '100000', 'limits.cpu': '100000', 'limits.memory': '100Ti' };
  store.replaceAll('Department', [rawDepartment('research', { quota: { hard } })], 'bench');
  return store;
}

function replica(store: MemoryReservationStore, maxBatch: number | undefined) {
  const view = snapshot();
  const ledger = new ReservationLedger({ ttlMs: 60_000, isCounted: countedBySnapshot(view) });
  const shared = new SharedReservations({
    store,
    ttlMs: 60_000,
    isCounted: countedBySnapshot(view),
    ...(maxBatch === undefined ? {} : { maxBatch }),
  });
  return reviewHandlers(view, DEFAULT_RULE_SETTINGS, ledger, shared).validate;
}

async function burst(name: string, replicas: number, maxBatch: number | undefined) {
  const store = new MemoryReservationStore(STORE_MS);
  const handlers = Array.from({ length: replicas }, () => replica(store, maxBatch));
  const started = performance.now();
  const latencies: number[] = [];
  const answers = await Promise.all(
    Array.from({ length: N }, async (_, i) => {
      const request = podRequest('ml-jobs', spec, { name: `worker-${i}`, objectUid: crypto.randomUUID() });
      const review = { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request };
      const sent = performance.now();
      const handler = handlers[i % replicas] as (typeof handlers)[number];
      const answer = await withAdmission(review, handler, { deadlineMs: DEADLINE_MS, failOpen: () => false });
      latencies.push(performance.now() - sent);
      return answer;
    }),
  );
  const wallMs = performance.now() - started;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * q))] ?? 0;
  const allowed = answers.filter((answer) => answer.review.response.allowed).length;
  console.log(
    `${name.padEnd(22)} ${wallMs.toFixed(0).padStart(7)} ${String(allowed).padStart(8)} ${String(N - allowed).padStart(7)} ` +
      `${String(store.saves).padStart(6)} ${String(store.conflicts).padStart(10)} ${at(0.5).toFixed(0).padStart(7)} ${at(0.99).toFixed(0).padStart(7)}`,
  );
}

console.log(
  `${N} concurrent pod CREATEs, one department, store calls 0-${STORE_MS} ms, deadline ${DEADLINE_MS} ms`,
);
console.log('row                    wall ms  allowed  failed  saves  conflicts  p50 ms  p99 ms');
await burst('one at a time', 1, 1);
await burst('batched', 1, undefined);
await burst('batched, 2 replicas', 2, undefined);
// Requests past the deadline leave nothing behind that keeps the process alive for long; exit at once.
process.exit(0);
