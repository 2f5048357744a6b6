import {
  rawDepartment,
  rawNamespace,
  rawNamespacePolicy,
  rawPod,
  rawPvc,
  SnapshotStore,
} from '@corral/cluster';
import { isDenial } from '../decide/decision.js';
import { DEFAULT_RULE_SETTINGS } from '../decide/settings.js';
import { ReservationLedger } from '../effects/reservation-ledger.js';
import { SAME_NAME_TTL_MS } from '../decide/quota-decisions.js';
import { podRequest } from '../testing/example-snapshot.js';
import { RequestDeadline } from './request-deadline.js';
import {
  countedBySnapshot,
  quotaCoordinationKey,
  reviewHandlers,
  settleFromSnapshot,
} from './review-handlers.js';

const spec = { containers: [{ name: 'a', image: 'x:1', resources: { requests: { cpu: '100m' } } }] };

/** A namespace `team` with room for `pods` pods, its ledger fed by the snapshot. */
function setUp(pods: number) {
  const store = new SnapshotStore();
  store.replaceAll('Namespace', [rawNamespace('team')], 'test');
  store.replaceAll(
    'NamespacePolicy',
    [rawNamespacePolicy('team', 'p', { quota: { hard: { pods: String(pods) } } })],
    'test',
  );
  const ledger = new ReservationLedger({ ttlMs: 60_000, isCounted: countedBySnapshot(store) });
  const stop = settleFromSnapshot(store, ledger);
  const handlers = reviewHandlers(store, DEFAULT_RULE_SETTINGS, ledger);
  const admits = async (name: string) => {
    const request = podRequest('team', spec, { name });
    const review = { apiVersion: 'admission.k8s.io/v1', request };
    const result = await handlers.validate(request, review, new RequestDeadline(Date.now() + 1000));
    return !result.decisions.some(isDenial);
  };
  return { store, ledger, stop, admits };
}

describe('the reservation ledger fed by the snapshot', () => {
  it('given admitted pods showing up in the snapshot, counts each once', async () => {
    const { store, ledger, admits } = setUp(3);
    expect(await admits('a')).toBe(true);
    expect(await admits('b')).toBe(true);
    expect(ledger.size).toBe(2);
    store.upsert('Pod', rawPod('team', 'a', { requests: { cpu: '100m' } }), 'test');
    store.replaceAll('Pod', [rawPod('team', 'a'), rawPod('team', 'b')], 'test');
    expect(ledger.size).toBe(0);
    // 2 in the snapshot + 1 asked = 3: fits only if the reservations stopped counting.
    expect(await admits('c')).toBe(true);
    expect(await admits('d')).toBe(false);
  });

  it('given other objects or an unsubscribed ledger, keeps the reservation', async () => {
    const { store, ledger, stop, admits } = setUp(3);
    expect(await admits('a')).toBe(true);
    store.upsert('PersistentVolumeClaim', rawPvc('team', 'a', '1Gi'), 'test');
    store.upsert('Pod', rawPod('other', 'a'), 'test');
    expect(ledger.size).toBe(1);
    stop();
    store.upsert('Pod', rawPod('team', 'a'), 'test');
    expect(ledger.size).toBe(1);
  });

  it('given a pod the snapshot already holds, reserves nothing for it', async () => {
    const { store, ledger, admits } = setUp(3);
    store.upsert('Pod', rawPod('team', 'a'), 'test');
    expect(await admits('a')).toBe(true);
    expect(ledger.size).toBe(0);
  });
});

/** A namespace `team` with 8 cpu of requests, its ledger fed by the snapshot. */
function cpuQuota(cpu = '8', now: () => number = Date.now) {
  const store = new SnapshotStore();
  store.replaceAll('Namespace', [rawNamespace('team')], 'test');
  const hard = { 'requests.cpu': cpu };
  store.replaceAll('NamespacePolicy', [rawNamespacePolicy('team', 'p', { quota: { hard } })], 'test');
  const ledger = new ReservationLedger({ ttlMs: 60_000, isCounted: countedBySnapshot(store), now });
  settleFromSnapshot(store, ledger);
  const handlers = reviewHandlers(store, DEFAULT_RULE_SETTINGS, ledger);
  let reviews = 0;
  const admits = async (name: string, cpu: string, objectUid?: string) => {
    reviews += 1;
    const podSpec = { containers: [{ name: 'a', image: 'x:1', resources: { requests: { cpu } } }] };
    const uid = `review-${reviews}`;
    const request = podRequest('team', podSpec, { name, uid, ...(objectUid ? { objectUid } : {}) });
    const review = { apiVersion: 'admission.k8s.io/v1', request };
    const result = await handlers.validate(request, review, new RequestDeadline(Date.now() + 1000));
    return !result.decisions.some(isDenial);
  };
  return { store, ledger, admits };
}

describe('two objects of one name', () => {
  it('given a second CREATE of a name with a smaller pod (refused later as AlreadyExists), keeps holding the first', async () => {
    const { store, ledger, admits } = cpuQuota();
    expect(await admits('x', '5', 'x-1')).toBe(true);
    expect(await admits('y', '5', 'y-1')).toBe(false);
    expect(await admits('x', '100m', 'x-2')).toBe(true);
    expect(ledger.size).toBe(2);
    // Before: the second x replaced the first's 5 cpu with 100m, and this y was admitted.
    expect(await admits('y', '5', 'y-2')).toBe(false);
    // The API server kept the first x: the snapshot shows it and ends its reservation alone.
    store.upsert('Pod', rawPod('team', 'x', { requests: { cpu: '5' }, uid: 'x-1' }), 'test');
    expect(ledger.size).toBe(1);
    expect(await admits('y', '3', 'y-3')).toBe(false);
    expect(await admits('y', '2900m', 'y-4')).toBe(true);
  });

  it("given reviews without an object uid, holds the larger of one name's reviews", async () => {
    const { admits } = cpuQuota();
    expect(await admits('x', '5')).toBe(true);
    expect(await admits('x', '100m')).toBe(true);
    expect(await admits('y', '5')).toBe(false);
    expect(await admits('y', '3')).toBe(true);
  });

  it('given a pod recreated under its name while the snapshot still shows the old one, reserves the new one', async () => {
    const { store, ledger, admits } = cpuQuota();
    store.upsert('Pod', rawPod('team', 'web-0', { requests: { cpu: '100m' }, uid: 'old' }), 'test');
    expect(await admits('web-0', '5', 'new')).toBe(true);
    expect(ledger.size).toBe(1);
    // Before: the old copy counted as this pod, nothing was held, and this pod was admitted.
    expect(await admits('y', '5', 'y-1')).toBe(false);
    store.upsert('Pod', rawPod('team', 'web-0', { requests: { cpu: '5' }, uid: 'new' }), 'test');
    expect(ledger.size).toBe(0);
  });

  it('given a CREATE of a name the snapshot holds (refused later as AlreadyExists), holds its room 10 s, not 60', async () => {
    let clock = 1_000_000;
    const { store, ledger, admits } = cpuQuota('2', () => clock);
    store.upsert('Pod', rawPod('team', 'web', { requests: { cpu: '1' }, uid: 'old' }), 'test');
    expect(await admits('web', '1', 'new')).toBe(true);
    expect(ledger.size).toBe(1);
    expect(await admits('api', '1', 'api-1')).toBe(false);
    clock += SAME_NAME_TTL_MS + 1;
    expect(await admits('api', '1', 'api-2')).toBe(true);
  });

  it('given the same object reviewed again (same uid), counts it once', async () => {
    const { ledger, admits } = cpuQuota();
    expect(await admits('x', '5', 'x-1')).toBe(true);
    expect(await admits('x', '5', 'x-1')).toBe(true);
    expect(ledger.size).toBe(1);
    expect(await admits('y', '3', 'y-1')).toBe(true);
  });
});

describe('countedBySnapshot', () => {
  it('given ledger keys, answers whether the snapshot holds that pod or claim', () => {
    const store = new SnapshotStore();
    store.replaceAll('Pod', [rawPod('team', 'web-0')], 'test');
    store.replaceAll('PersistentVolumeClaim', [rawPvc('team', 'data', '1Gi')], 'test');
    const counted = countedBySnapshot(store);
    expect(counted('Pod/team/web-0')).toBe(true);
    expect(counted('PersistentVolumeClaim/team/data')).toBe(true);
    expect(counted('Pod/team/data')).toBe(false);
    expect(counted('PersistentVolumeClaim/team/web-0')).toBe(false);
    expect(counted('Pod/other/web-0')).toBe(false);
    for (const malformed of [
      '',
      'Pod',
      'Pod/team',
      'Pod/team-web-0',
      'Pod/team/web-0/',
      'Pod/team/web-0/u/v',
    ])
      expect(counted(malformed)).toBe(false);
  });

  it('given keys with a uid, counts only the object of that uid', () => {
    const store = new SnapshotStore();
    store.replaceAll('Pod', [rawPod('team', 'web-0', { uid: 'u-1' })], 'test');
    store.replaceAll('PersistentVolumeClaim', [rawPvc('team', 'data', '1Gi', { uid: 'c-1' })], 'test');
    const counted = countedBySnapshot(store);
    expect(counted('Pod/team/web-0/u-1')).toBe(true);
    expect(counted('Pod/team/web-0/u-2')).toBe(false);
    expect(counted('PersistentVolumeClaim/team/data/c-1')).toBe(true);
    expect(counted('PersistentVolumeClaim/team/data/c-2')).toBe(false);
  });
});

describe('quotaCoordinationKey', () => {
  const store = new SnapshotStore();
  store.replaceAll('Namespace', [rawNamespace('team')], 'test');
  store.replaceAll(
    'NamespacePolicy',
    [rawNamespacePolicy('team', 'p', { quota: { hard: { 'requests.cpu': '8' } } })],
    'test',
  );
  const update = (subResource?: string) => ({
    ...podRequest('team', spec, { operation: 'UPDATE' }),
    ...(subResource === undefined ? {} : { subResource }),
  });
  it.each([
    ['a pod CREATE', podRequest('team', spec), 'namespace-team'],
    ['a pod resize (pods/resize)', update('resize'), 'namespace-team'],
    ['a pod UPDATE (checked against this replica only)', update(), undefined],
    ['a pod status update', update('status'), undefined],
    ['an ephemeral container', update('ephemeralcontainers'), undefined],
    ['a pod in a namespace without quota', podRequest('other', spec), undefined],
  ])('given %s, answers %s', (_what, request, key) => {
    expect(quotaCoordinationKey(store, request)).toBe(key);
  });

  it('given a namespace quota in a department, keys by the department whether or not it has a quota of its own', () => {
    // Keyed by the namespace until the Department got a quota, the reservations held so far would be
    // in a record no later request reads.
    const departmental = new SnapshotStore();
    departmental.replaceAll('Namespace', [rawNamespace('team', { 'corral.dev/department': 'eng' })], 'test');
    departmental.replaceAll(
      'NamespacePolicy',
      [rawNamespacePolicy('team', 'p', { quota: { hard: { pods: '2' } } })],
      'test',
    );
    departmental.replaceAll('Department', [rawDepartment('eng')], 'test');
    expect(quotaCoordinationKey(departmental, podRequest('team', spec))).toBe('department-eng');
    departmental.replaceAll(
      'Department',
      [rawDepartment('eng', { quota: { hard: { pods: '100' } } })],
      'test',
    );
    expect(quotaCoordinationKey(departmental, podRequest('team', spec))).toBe('department-eng');
  });
});
