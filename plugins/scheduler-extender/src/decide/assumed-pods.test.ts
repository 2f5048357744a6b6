import { rawPod } from '@corral/cluster';
import { podView, smallCluster } from '../testing/small-cluster.js';
import { AssumedPods } from './assumed-pods.js';

const TTL = 1_000;

function assumeOn(assumed: AssumedPods, name: string, node: string, now = 0, seen = false) {
  const pod = { ...podView('web-ns', name), nodeName: node };
  assumed.assume({ key: `web-ns/${name}`, pod, department: 'web', seen }, now);
}

describe('AssumedPods', () => {
  it('given an assumed pod, lists it on its node until it expires', () => {
    const store = smallCluster();
    const assumed = new AssumedPods({ ttlMs: TTL });
    assumeOn(assumed, 'a', 'shared-1');
    expect([...(assumed.onNode('shared-1')?.keys() ?? [])]).toEqual(['web-ns/a']);
    assumed.settle(store, TTL - 1);
    expect(assumed.size).toBe(1);
    assumed.settle(store, TTL);
    expect(assumed.size).toBe(0);
    expect(assumed.onNode('shared-1')).toBeUndefined();
  });

  it('given the snapshot showing the pod bound (on any node), drops the assumption', () => {
    const store = smallCluster();
    const assumed = new AssumedPods({ ttlMs: TTL });
    assumeOn(assumed, 'a', 'shared-1');
    store.upsert('Pod', rawPod('web-ns', 'a', { phase: 'Pending' }), 'test');
    assumed.settle(store, 0);
    expect(assumed.size).toBe(1);
    store.upsert('Pod', rawPod('web-ns', 'a', { nodeName: 'shared-2' }), 'test');
    assumed.settle(store, 0);
    expect(assumed.size).toBe(0);
  });

  it('given a pod the snapshot held and then lost (deleted), drops it; one never seen stays', () => {
    const store = smallCluster();
    const assumed = new AssumedPods({ ttlMs: TTL });
    store.upsert('Pod', rawPod('web-ns', 'a', { phase: 'Pending' }), 'test');
    assumeOn(assumed, 'a', 'shared-1', 0, true);
    assumeOn(assumed, 'b', 'shared-1', 0, false);
    store.remove('Pod', rawPod('web-ns', 'a'), 'test');
    assumed.settle(store, 0);
    expect([...assumed.values()].map((entry) => entry.key)).toEqual(['web-ns/b']);
  });

  it('given a forget of one assumption, drops it even after settle marked it seen, but not a newer one', () => {
    const store = smallCluster();
    const assumed = new AssumedPods({ ttlMs: TTL });
    const pod = { ...podView('web-ns', 'a'), nodeName: 'shared-1' };
    const first = assumed.assume({ key: 'web-ns/a', pod, department: 'web', seen: false }, 0);
    store.upsert('Pod', rawPod('web-ns', 'a', { phase: 'Pending' }), 'test');
    assumed.settle(store, 0); // the entry is replaced, marked seen
    assumed.forget('web-ns/a', first);
    expect(assumed.size).toBe(0);
    const second = assumed.assume({ key: 'web-ns/a', pod: { ...pod }, department: 'web', seen: false }, 0);
    assumed.forget('web-ns/a', first); // a late failure of the first call
    expect([...assumed.values()]).toEqual([second]);
  });

  it('given a pod seen pending after it was assumed, then deleted, drops it', () => {
    const store = smallCluster();
    const assumed = new AssumedPods({ ttlMs: TTL });
    assumeOn(assumed, 'a', 'shared-1');
    store.upsert('Pod', rawPod('web-ns', 'a', { phase: 'Pending' }), 'test');
    assumed.settle(store, 0);
    store.remove('Pod', rawPod('web-ns', 'a'), 'test');
    assumed.settle(store, 0);
    expect(assumed.size).toBe(0);
  });

  it.each([
    ['bound elsewhere', { nodeName: 'shared-2', phase: 'Running' }, 'upsert'],
    ['terminal', { phase: 'Failed' }, 'upsert'],
    ['pending, then deleted', { phase: 'Pending' }, 'remove'],
  ] as const)(
    'given an older pod of the same name (other UID) %s, keeps the assumption',
    (_, old, change) => {
      const store = smallCluster();
      const assumed = new AssumedPods({ ttlMs: TTL });
      const pod = { ...podView('web-ns', 'a', { uid: 'new' }), nodeName: 'shared-1' };
      const stale = rawPod('web-ns', 'a', { uid: 'old', ...old });
      store.upsert('Pod', stale, 'test');
      assumed.assume({ key: 'web-ns/a', pod, department: 'web', seen: false }, 0);
      assumed.settle(store, 0);
      if (change === 'remove') store.remove('Pod', stale, 'test');
      assumed.settle(store, 0);
      expect([...(assumed.onNode('shared-1')?.keys() ?? [])]).toEqual(['web-ns/a']);
      store.upsert('Pod', rawPod('web-ns', 'a', { uid: 'new', nodeName: 'shared-1' }), 'test');
      assumed.settle(store, 0);
      expect(assumed.size).toBe(0);
    },
  );

  it('given an assumed pod with no UID, any pod of that name confirms it', () => {
    const store = smallCluster();
    const assumed = new AssumedPods({ ttlMs: TTL });
    const pod = { ...podView('web-ns', 'a', { uid: '' }), nodeName: 'shared-1' };
    assumed.assume({ key: 'web-ns/a', pod, department: 'web', seen: false }, 0);
    store.upsert('Pod', rawPod('web-ns', 'a', { uid: 'any', nodeName: 'shared-1' }), 'test');
    assumed.settle(store, 0);
    expect(assumed.size).toBe(0);
  });

  it('given a pod assumed again on another node, keeps only the latest placement', () => {
    const assumed = new AssumedPods({ ttlMs: TTL });
    assumeOn(assumed, 'a', 'shared-1');
    assumeOn(assumed, 'a', 'shared-2');
    expect(assumed.onNode('shared-1')).toBeUndefined();
    expect(assumed.onNode('shared-2')?.size).toBe(1);
  });

  it('given more pods than its bound, forgets the oldest first', () => {
    const assumed = new AssumedPods({ ttlMs: TTL, max: 2 });
    for (const name of ['a', 'b', 'c']) assumeOn(assumed, name, 'shared-1');
    expect([...assumed.values()].map((entry) => entry.key)).toEqual(['web-ns/b', 'web-ns/c']);
  });
});
