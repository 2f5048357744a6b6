import { rawDepartment, rawNamespace, rawPod, SnapshotStore, UNIT } from '@corral/cluster';
import { isDenial } from '../decide/decision.js';
import type { AdmissionRequest } from '../decide/request.js';
import { DEFAULT_RULE_SETTINGS } from '../decide/settings.js';
import { ReservationLedger } from '../effects/reservation-ledger.js';
import { MemoryReservationStore } from '../effects/reservation-store.js';
import { SharedReservations } from '../effects/shared-reservations.js';
import { podRequest } from '../testing/example-snapshot.js';
import { RequestDeadline } from './request-deadline.js';
import { countedBySnapshot, heldBySnapshot, reviewHandlers } from './review-handlers.js';

const COORDINATION_KEY = 'department-eng';
const RESIZE_KEY = 'resize/Pod/team/web-0/u-web-0';
const podSpec = (cpu: string) => ({
  containers: [{ name: 'app', image: 'x:1', resources: { requests: { cpu } } }],
});
const running = (name: string, cpu: string) => rawPod('team', name, { uid: `u-${name}`, requests: { cpu } });

/**
 * One replica: its own snapshot (namespace team of department eng, 8 cpu of requests; web-0 at
 * `web0Cpu`), its ledger and the record it shares with the others. `withSnapshotHolds: false` reads
 * the record as the previous version does (no `stillHeld`; its isCounted never parses a `resize/` key):
 * a resize entry's stored usage, until its TTL.
 */
function replica(store: MemoryReservationStore, web0Cpu: string, withSnapshotHolds = true) {
  const snapshot = new SnapshotStore();
  snapshot.replaceAll('Namespace', [rawNamespace('team', { 'corral.dev/department': 'eng' })], 'test');
  snapshot.replaceAll(
    'Department',
    [rawDepartment('eng', { quota: { hard: { 'requests.cpu': '8' } } })],
    'test',
  );
  snapshot.replaceAll('Pod', [running('web-0', web0Cpu)], 'test');
  const isCounted = countedBySnapshot(snapshot);
  const ledger = new ReservationLedger({ ttlMs: 60_000, isCounted });
  const shared = new SharedReservations({
    store,
    ttlMs: 60_000,
    isCounted,
    ...(withSnapshotHolds ? { stillHeld: heldBySnapshot(snapshot) } : {}),
  });
  const handlers = reviewHandlers(snapshot, DEFAULT_RULE_SETTINGS, ledger, shared);
  let reviews = 0;
  const admits = async (request: AdmissionRequest) => {
    const review = { apiVersion: 'admission.k8s.io/v1', request };
    const result = await handlers.validate(request, review, new RequestDeadline(Date.now() + 2000));
    return !result.decisions.some(isDenial);
  };
  return {
    snapshot,
    resize: (from: string, to: string, extra: Partial<AdmissionRequest> = {}) => {
      reviews += 1;
      const options = {
        name: 'web-0',
        uid: `r-${reviews}`,
        objectUid: 'u-web-0',
        operation: 'UPDATE' as const,
      };
      const old = podRequest('team', podSpec(from), options).object;
      const request = podRequest('team', podSpec(to), options);
      return admits({ ...request, subResource: 'resize', oldObject: old, ...extra });
    },
    create: (name: string, cpu: string) => {
      reviews += 1;
      return admits(podRequest('team', podSpec(cpu), { name, uid: `c-${reviews}`, objectUid: `u-${name}` }));
    },
  };
}

describe('resizes in the shared reservation record', () => {
  it('given a resize admitted by one replica, every replica counts the pod at its new size until its own snapshot shows it', async () => {
    const store = new MemoryReservationStore();
    const a = replica(store, '1');
    const b = replica(store, '1');
    expect(await a.resize('1', '5')).toBe(true);
    const [entry] = (await store.load(COORDINATION_KEY)).entries;
    expect(entry).toMatchObject({
      key: RESIZE_KEY,
      scopes: ['namespace/team', 'department/eng'],
      usage: { 'requests.cpu': String(4n * UNIT) },
      target: { 'requests.cpu': String(5n * UNIT) },
    });
    // Before: B saw 1 of 8 used and admitted 4 cpu more, though web-0 grows to 5.
    expect(await b.create('x', '4')).toBe(false);
    // B's watch shows web-0 changed, still at 1 cpu: the entry still counts for B.
    b.snapshot.upsert(
      'Pod',
      rawPod('team', 'web-0', { uid: 'u-web-0', requests: { cpu: '1' }, labels: { a: 'b' } }),
      'test',
    );
    expect(await b.create('x', '4')).toBe(false);
    // At 5 cpu: counted by B's snapshot, the entry counts nothing more for B (5 + 3 = 8).
    b.snapshot.upsert('Pod', running('web-0', '5'), 'test');
    expect(await b.create('y', '3')).toBe(true);
    expect(await b.create('z', '1m')).toBe(false);
  });

  it('given replicas whose snapshots lag by different amounts, each counts what the target exceeds its own count by', async () => {
    const store = new MemoryReservationStore();
    // A's watch has delivered web-0 grown to 3 cpu (an earlier resize); B's still shows it at 1.
    const a = replica(store, '3');
    const b = replica(store, '1');
    expect(await a.resize('3', '6')).toBe(true); // A holds 3 (6 over its 3)
    // B must count web-0 at 6: 1 + 5 held. Holding A's 3 for B too, B took 1 + 3 and admitted 3 more (9 of 8).
    expect(await b.create('x', '3')).toBe(false);
    expect(await b.create('y', '2')).toBe(true);
  });

  it('given a second resize of the pod on another replica, its entry takes the place of the first', async () => {
    const store = new MemoryReservationStore();
    const a = replica(store, '1');
    const b = replica(store, '1');
    expect(await a.resize('1', '3')).toBe(true);
    expect(await b.resize('3', '5')).toBe(true);
    const { entries } = await store.load(COORDINATION_KEY);
    expect(entries.map((e) => e.key)).toEqual([RESIZE_KEY]);
    expect(entries[0]?.target).toEqual({ 'requests.cpu': String(5n * UNIT) });
    expect(await a.create('x', '3')).toBe(true); // 1 + 4 + 3 = 8
    expect(await a.create('y', '1m')).toBe(false);
  });

  it('given a dry-run resize, or a decrease, writes nothing', async () => {
    const store = new MemoryReservationStore();
    const a = replica(store, '2');
    expect(await a.resize('2', '8', { dryRun: true })).toBe(true);
    expect(await a.resize('2', '1')).toBe(true);
    expect(store.saves).toBe(0);
    // The dry run took no room.
    expect(await a.resize('2', '8')).toBe(true);
    expect(store.saves).toBe(1);
  });

  it('given a reader as the previous version reads the record, it counts the entry until its TTL and keeps its target when it saves', async () => {
    const store = new MemoryReservationStore();
    const current = replica(store, '1');
    const earlier = replica(store, '1', false);
    expect(await current.resize('1', '5')).toBe(true);
    // It counts the 4 cpu held: 1 + 4 + 4 > 8.
    expect(await earlier.create('x', '4')).toBe(false);
    expect(await earlier.create('y', '3')).toBe(true);
    // Even once its snapshot shows web-0 at 5 (5 + 4 + 3 > 8: counted twice, the safe side).
    earlier.snapshot.upsert('Pod', running('web-0', '5'), 'test');
    expect(await earlier.create('z', '1m')).toBe(false);
    const resized = (await store.load(COORDINATION_KEY)).entries.find((e) => e.key === RESIZE_KEY);
    expect(resized?.target).toEqual({ 'requests.cpu': String(5n * UNIT) });
  });
});
