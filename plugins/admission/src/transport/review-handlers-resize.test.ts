import { rawNamespace, rawNamespacePolicy, rawPod, SnapshotStore } from '@corral/cluster';
import { isDenial } from '../decide/decision.js';
import type { AdmissionRequest } from '../decide/request.js';
import { DEFAULT_RULE_SETTINGS } from '../decide/settings.js';
import { ReservationLedger } from '../effects/reservation-ledger.js';
import { podRequest } from '../testing/example-snapshot.js';
import { RequestDeadline } from './request-deadline.js';
import { countedBySnapshot, heldBySnapshot, reviewHandlers, settleFromSnapshot } from './review-handlers.js';

const podSpec = (cpu: string) => ({
  containers: [{ name: 'app', image: 'x:1', resources: { requests: { cpu } } }],
});
const storedPod = (name: string, cpu: string, labels: Record<string, string> = {}) =>
  rawPod('team', name, { uid: `u-${name}`, requests: { cpu }, labels });

/** Namespace `team`, 8 cpu of requests; pods `web-0` and `web-1` run at 1 cpu each (2 of 8 used). */
function setUp() {
  const store = new SnapshotStore();
  store.replaceAll('Namespace', [rawNamespace('team')], 'test');
  const hard = { 'requests.cpu': '8' };
  store.replaceAll('NamespacePolicy', [rawNamespacePolicy('team', 'p', { quota: { hard } })], 'test');
  store.replaceAll('Pod', [storedPod('web-0', '1'), storedPod('web-1', '1')], 'test');
  const ledger = new ReservationLedger({
    ttlMs: 60_000,
    isCounted: countedBySnapshot(store),
    stillHeld: heldBySnapshot(store),
  });
  settleFromSnapshot(store, ledger);
  const handlers = reviewHandlers(store, DEFAULT_RULE_SETTINGS, ledger);
  let reviews = 0;
  const admits = async (request: AdmissionRequest) => {
    const review = { apiVersion: 'admission.k8s.io/v1', request };
    const result = await handlers.validate(request, review, new RequestDeadline(Date.now() + 1000));
    return !result.decisions.some(isDenial);
  };
  /** A pods/resize of `name` from `from` to `to` cpu. */
  const resize = (name: string, from: string, to: string, extra: Partial<AdmissionRequest> = {}) => {
    reviews += 1;
    const options = { name, uid: `resize-${reviews}`, objectUid: `u-${name}`, operation: 'UPDATE' as const };
    const request = podRequest('team', podSpec(to), options);
    const old = podRequest('team', podSpec(from), options);
    return admits({ ...request, subResource: 'resize', oldObject: old.object, ...extra });
  };
  const create = (name: string, cpu: string) => {
    reviews += 1;
    return admits(
      podRequest('team', podSpec(cpu), { name, uid: `create-${reviews}`, objectUid: `u-${name}` }),
    );
  };
  return { store, ledger, resize, create };
}

describe('pod resizes reserve their growth (local ledger)', () => {
  it('given a resize 1 → 5 cpu, holds 4 until the snapshot shows the pod at 5, not at its old size', async () => {
    const { store, ledger, resize, create } = setUp();
    expect(await resize('web-0', '1', '5')).toBe(true); // 2 + 4 = 6 of 8
    expect(ledger.size).toBe(1);
    // Before: the resize took nothing, and a 3 cpu pod fit (2 + 3 ≤ 8) though web-0 grows by 4.
    expect(await create('other', '3')).toBe(false);
    // The watch delivers web-0 changed (a label) but still at 1 cpu: the reservation stays.
    store.upsert('Pod', storedPod('web-0', '1', { touched: 'yes' }), 'test');
    expect(ledger.size).toBe(1);
    expect(await create('other', '3')).toBe(false);
    // Now at 5 cpu: counted by the snapshot, the reservation ends; 6 of 8 used.
    store.upsert('Pod', storedPod('web-0', '5'), 'test');
    expect(ledger.size).toBe(0);
    expect(await create('fits', '2')).toBe(true);
    expect(await create('full', '1m')).toBe(false);
  });

  it('given a second resize of the same pod, it takes the place of the first (not added to it)', async () => {
    const { ledger, resize, create } = setUp();
    expect(await resize('web-0', '1', '5')).toBe(true); // holds 4
    expect(await resize('web-0', '5', '6')).toBe(true); // holds 5 in its place, not 4 + 5
    expect(ledger.size).toBe(1);
    expect(await create('fits', '1')).toBe(true); // 2 + 5 + 1 = 8
    expect(await create('full', '1m')).toBe(false);
  });

  it('given a decrease or a dry run, reserves nothing', async () => {
    const { ledger, resize } = setUp();
    expect(await resize('web-0', '1', '500m')).toBe(true);
    expect(await resize('web-0', '1', '7', { dryRun: true })).toBe(true);
    expect(ledger.size).toBe(0);
    // The dry run took no room: the real one still fits.
    expect(await resize('web-0', '1', '7')).toBe(true);
    expect(await resize('web-1', '1', '2')).toBe(false);
  });

  it('given the resized pod deleted, ends its reservation', async () => {
    const { store, ledger, resize } = setUp();
    expect(await resize('web-0', '1', '7')).toBe(true);
    store.remove('Pod', storedPod('web-0', '1'), 'test');
    expect(ledger.size).toBe(0);
    expect(await resize('web-1', '1', '7')).toBe(true);
  });

  it('given 40 concurrent resizes of different pods and room for 10 increases, admits exactly 10', async () => {
    const { store, ledger, resize } = setUp();
    // 40 pods at 100m (4 cpu); each resize adds 400m: 4 + 10 × 0.4 = 8.
    store.replaceAll(
      'Pod',
      Array.from({ length: 40 }, (_, i) => storedPod(`p-${i}`, '100m')),
      'test',
    );
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => resize(`p-${i}`, '100m', '500m')));
    expect(answers.filter(Boolean)).toHaveLength(10);
    expect(ledger.resizeCount).toBe(10);
  });
});
