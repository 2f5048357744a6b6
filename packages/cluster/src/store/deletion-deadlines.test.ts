import { rawDepartment, rawNamespace, rawPod } from '../testing/raw-objects.js';
import { formatUsage } from '../usage/format-usage.js';
import type { AppliedObject, SnapshotChange } from './cluster-snapshot.js';
import { SnapshotStore } from './snapshot-store.js';

const DELETED_AT = '2024-05-01T00:00:00Z';
const DELETED_MS = Date.parse(DELETED_AT);

/** A pod on n1 asking for one cpu, deleted at DELETED_AT with a 30 s grace period. */
const deleted = (grace = 30) =>
  rawPod('ns-a', 'p', {
    nodeName: 'n1',
    requests: { cpu: '1' },
    deletionTimestamp: DELETED_AT,
    deletionGracePeriodSeconds: grace,
  });

function storeAt(nowMs: number): SnapshotStore {
  vi.setSystemTime(nowMs);
  const store = new SnapshotStore();
  store.upsert('Department', rawDepartment('a', {}, '2024-01-01T00:00:00Z'), 'test');
  store.upsert('Namespace', rawNamespace('ns-a', { 'corral.dev/department': 'a' }), 'test');
  return store;
}

const used = (store: SnapshotStore) => formatUsage(store.usageOfDepartment('a'));
const COUNTED = { pods: '1', 'count/pods': '1', 'requests.cpu': '1' };
const RELEASED = { 'count/pods': '1' };

describe('SnapshotStore: a pod past its deletion deadline (deletionTimestamp + grace period)', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('given the deadline passes with no event, stops counting it in usage and publishes the change', () => {
    const store = storeAt(DELETED_MS + 10_000);
    store.upsert('Pod', deleted(), 'test');
    const changes: SnapshotChange[] = [];
    const applied: AppliedObject[] = [];
    store.onChange((change) => changes.push(change));
    store.onApplied((object) => applied.push(object));
    const revision = store.revision;
    expect(used(store)).toEqual(COUNTED);

    vi.advanceTimersByTime(20_000); // now = the deadline: ResourceQuota still counts it (not After)
    expect(used(store)).toEqual(COUNTED);
    expect(store.usageOfNamespace('ns-a').get('pods')).toBe(1_000_000_000n);

    vi.advanceTimersByTime(1);
    expect(used(store)).toEqual(RELEASED);
    expect(formatUsage(store.usageOfNamespace('ns-a'))).toEqual(RELEASED);
    expect(changes).toEqual([{ revision: revision + 1, kind: 'Pod' }]);
    expect(applied).toEqual([{ kind: 'Pod', key: 'ns-a/p' }]);
    // Placement is unchanged: the pod still holds its node until it is gone.
    expect([...store.podsOnNode('n1').keys()]).toHaveLength(1);
    expect(Object.fromEntries(store.departmentsOnNode('n1'))).toEqual({ a: 1 });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('given a pod already past its deadline when it arrives, does not count it, but keeps it on its node', () => {
    const store = storeAt(DELETED_MS + 31_000);
    store.upsert('Pod', deleted(), 'test');
    expect(used(store)).toEqual(RELEASED);
    expect(store.pod('ns-a', 'p')?.pastDeletionDeadline).toBe(true);
    expect(Object.fromEntries(store.departmentsOnNode('n1'))).toEqual({ a: 1 });
    expect(vi.getTimerCount()).toBe(0);
    // A later event for the same pod (a status update) changes nothing.
    const revision = store.revision;
    store.upsert('Pod', deleted(), 'test');
    expect(store.revision).toBe(revision);
    store.remove('Pod', deleted(), 'test');
    expect(used(store)).toEqual({});
  });

  it('given the pod is removed before its deadline, clears its timer', () => {
    const store = storeAt(DELETED_MS);
    store.upsert('Pod', deleted(), 'test');
    expect(vi.getTimerCount()).toBe(1);
    store.remove('Pod', deleted(), 'test');
    expect(vi.getTimerCount()).toBe(0);
    expect(used(store)).toEqual({});
  });

  it('given a second delete shortens the grace period, keeps one timer, at the new deadline', () => {
    const store = storeAt(DELETED_MS);
    store.upsert('Pod', deleted(30), 'test');
    store.upsert('Pod', deleted(5), 'test');
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(5_001);
    expect(used(store)).toEqual(RELEASED);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('given a relist that no longer holds the pod, clears its timer', () => {
    const store = storeAt(DELETED_MS);
    store.upsert('Pod', deleted(), 'test');
    store.replaceAll('Pod', [], 'test');
    expect(vi.getTimerCount()).toBe(0);
    expect(used(store)).toEqual({});
  });

  it('given a deletionTimestamp without a grace period, counts the pod until it is gone, as ResourceQuota', () => {
    const store = storeAt(DELETED_MS + 3_600_000);
    store.upsert(
      'Pod',
      rawPod('ns-a', 'p', { requests: { cpu: '1' }, deletionTimestamp: DELETED_AT }),
      'test',
    );
    expect(used(store)).toEqual(COUNTED);
    expect(vi.getTimerCount()).toBe(0);
  });
});
