import { rawPod, rawPvc, SnapshotStore, type Usage } from '@corral/cluster';
import { parseQuantity } from '@corral/policy';
import { parseReservationKey, type ReservationKey } from './reservation-key.js';
import {
  exceeding,
  largerTarget,
  objectKeyOfResize,
  resizeHold,
  resizeKeyOf,
  resizeStillHeld,
  snapshotUsageOf,
} from './resize-reservation.js';

const usage = (entries: Record<string, string>): Usage =>
  new Map(Object.entries(entries).map(([key, value]) => [key, parseQuantity(value).nanos]));

describe('resize reservation keys', () => {
  it('given an object key, names its resize apart from the object, and reads it back', () => {
    expect(resizeKeyOf('Pod/team/web-0/u-1')).toBe('resize/Pod/team/web-0/u-1');
    expect(objectKeyOfResize('resize/Pod/team/web-0/u-1')).toBe('Pod/team/web-0/u-1');
    expect(objectKeyOfResize('Pod/team/web-0/u-1')).toBeUndefined();
  });

  it('given a resize key, older versions cannot read it as an object key (so never settle it early)', () => {
    expect(parseReservationKey(resizeKeyOf('Pod/team/web-0/u-1'))).toBeUndefined();
    expect(parseReservationKey(resizeKeyOf('PersistentVolumeClaim/team/data'))).toBeUndefined();
  });
});

describe('exceeding and resizeHold', () => {
  const cases: [
    what: string,
    after: Record<string, string>,
    counted: Record<string, string> | undefined,
    held: Record<string, string>,
  ][] = [
    [
      'a grown pod',
      { pods: '1', 'requests.cpu': '2' },
      { pods: '1', 'requests.cpu': '1' },
      { 'requests.cpu': '1' },
    ],
    ['a shrunk pod', { pods: '1', 'requests.cpu': '1' }, { pods: '1', 'requests.cpu': '2' }, {}],
    [
      'cpu up, memory down',
      { 'requests.cpu': '2', 'requests.memory': '1Gi' },
      { 'requests.cpu': '1', 'requests.memory': '2Gi' },
      { 'requests.cpu': '1' },
    ],
    [
      'an object the snapshot does not hold',
      { persistentvolumeclaims: '1', 'requests.storage': '5Gi' },
      undefined,
      { persistentvolumeclaims: '1', 'requests.storage': '5Gi' },
    ],
  ];
  it.each(cases)('given %s, holds %j', (_what, after, counted, held) => {
    const counts = counted === undefined ? undefined : usage(counted);
    expect(exceeding(usage(after), counts)).toEqual(usage(held));
    const hold = resizeHold(usage(after), counts);
    expect(hold.usage).toEqual(usage(held));
    // The target is the new size on the keys held, and nothing else.
    const target = Object.fromEntries(Object.keys(held).map((key) => [key, after[key]!]));
    expect(hold.target).toEqual(usage(target));
  });
});

describe('resizeStillHeld', () => {
  const web: ReservationKey = { kind: 'Pod', namespace: 'team', name: 'web-0', uid: 'u-1' };
  const data: ReservationKey = { kind: 'PersistentVolumeClaim', namespace: 'team', name: 'data', uid: 'c-1' };
  const target = usage({ 'requests.cpu': '4', 'requests.memory': '2Gi' });
  const podAt = (
    cpu: string,
    memory: string,
    options: {
      uid?: string;
      phase?: string;
      deletionTimestamp?: string;
      deletionGracePeriodSeconds?: number;
    } = {},
  ) => {
    const store = new SnapshotStore();
    store.upsert('Pod', rawPod('team', 'web-0', { uid: 'u-1', requests: { cpu, memory }, ...options }), 't');
    return store;
  };
  const cases: [what: string, snapshot: SnapshotStore, held: Record<string, string>][] = [
    ['the pod at its old size', podAt('1', '1Gi'), { 'requests.cpu': '3', 'requests.memory': '1Gi' }],
    ['the pod part of the way (cpu only)', podAt('4', '1Gi'), { 'requests.memory': '1Gi' }],
    ['the pod at its new size', podAt('4', '2Gi'), {}],
    ['the pod larger still', podAt('8', '4Gi'), {}],
    ['the pod finished (terminal)', podAt('1', '1Gi', { phase: 'Succeeded' }), {}],
    [
      'the pod stuck terminating past its deletion deadline',
      podAt('1', '1Gi', { deletionTimestamp: '2020-01-01T00:00:00Z', deletionGracePeriodSeconds: 30 }),
      {},
    ],
    [
      'the pod terminating, its deadline ahead',
      podAt('1', '1Gi', { deletionTimestamp: '2999-01-01T00:00:00Z', deletionGracePeriodSeconds: 30 }),
      { 'requests.cpu': '3', 'requests.memory': '1Gi' },
    ],
    [
      'another pod of its name',
      podAt('4', '2Gi', { uid: 'u-2' }),
      { 'requests.cpu': '4', 'requests.memory': '2Gi' },
    ],
    ['no such pod (yet)', new SnapshotStore(), { 'requests.cpu': '4', 'requests.memory': '2Gi' }],
  ];
  it.each(cases)('given %s', (_what, snapshot, held) => {
    expect(resizeStillHeld(snapshot, web, target)).toEqual(usage(held));
  });

  it('given a key without a uid, reads any object of its name', () => {
    const { uid: _uid, ...byName } = web;
    expect(resizeStillHeld(podAt('4', '2Gi', { uid: 'u-9' }), byName, target).size).toBe(0);
  });

  it('given a claim, holds until the snapshot shows its new size', () => {
    const store = new SnapshotStore();
    const claimTarget = usage({ 'requests.storage': '10Gi' });
    store.upsert('PersistentVolumeClaim', rawPvc('team', 'data', '4Gi', { uid: 'c-1' }), 't');
    expect(resizeStillHeld(store, data, claimTarget)).toEqual(usage({ 'requests.storage': '6Gi' }));
    expect(snapshotUsageOf(store, data)?.get('requests.storage')).toBe(parseQuantity('4Gi').nanos);
    store.upsert('PersistentVolumeClaim', rawPvc('team', 'data', '10Gi', { uid: 'c-1' }), 't');
    expect(resizeStillHeld(store, data, claimTarget).size).toBe(0);
  });
});

describe('largerTarget', () => {
  it('given two reviews of one resize, takes per key the larger target', () => {
    const first = usage({ 'requests.cpu': '4', 'requests.memory': '1Gi' });
    const second = usage({ 'requests.cpu': '2', 'requests.memory': '3Gi' });
    expect(largerTarget(first, second)).toEqual(usage({ 'requests.cpu': '4', 'requests.memory': '3Gi' }));
    expect(largerTarget(undefined, second)).toBe(second);
  });
});
