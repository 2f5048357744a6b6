import { rawNode, rawPod, type SnapshotStore } from '@corral/cluster';
import { rawPriorityPod, smallCluster } from '../testing/small-cluster.js';
import { testExtender } from '../testing/test-extender.js';

const bindArgs = (namespace: string, name: string, uid: string, node: string) => ({
  PodNamespace: namespace,
  PodName: name,
  PodUID: uid,
  Node: node,
});

/** smallCluster with a pod of `namespace` nominated to shared-1 (uid u-nominated) at `priority`. */
function nominatedOnShared1(namespace: string, priority: number): SnapshotStore {
  const store = smallCluster();
  store.upsert('Pod', rawPriorityPod(namespace, 'hi', priority, 'shared-1', { uid: 'u-nominated' }), 'test');
  return store;
}

describe('department isolation with pods nominated by preemption, served', () => {
  it('given a preemptor nominated to the node it freed, keeps a lower-priority pod of another department off it until it lands there', async () => {
    const store = smallCluster();
    const low = rawPod('res-ns', 'low', { nodeName: 'shared-1', uid: 'u-low' });
    store.upsert('Pod', low, 'test');
    const { extender, binder, post } = testExtender(store);
    const hi = rawPriorityPod('res-ns', 'hi', 1000, undefined, { uid: 'u-hi' });
    const victims = { 'shared-1': { Pods: [{ UID: 'u-low' }], NumPDBViolations: 0 } };
    const preempted = await post('preempt', { Pod: hi, NodeNameToMetaVictims: victims });
    expect(preempted.body['NodeNameToMetaVictims']).toEqual(victims);
    // kube-scheduler deletes the victim and nominates hi to shared-1.
    store.remove('Pod', low, 'test');
    const nominated = rawPriorityPod('res-ns', 'hi', 1000, 'shared-1', { uid: 'u-hi' });
    store.upsert('Pod', nominated, 'test');

    const web = rawPriorityPod('web-ns', 'w', 0, undefined, { uid: 'u-w' });
    const filtered = await post('filter', { Pod: web, NodeNames: ['shared-1'] });
    expect(filtered.body['NodeNames']).toEqual([]);
    expect(filtered.body['FailedAndUnresolvableNodes']).toEqual({
      'shared-1':
        'department-isolation: node is nominated for a pod of department res (priority 1000) ' +
        'preempting there, and shared nodes never mix departments',
    });
    const bound = await post('bind', bindArgs('web-ns', 'w', 'u-w', 'shared-1'));
    expect(bound.body['Error']).toMatch(
      /^EXT_ERR_BIND_REFUSED: .*node is nominated for a pod of department res \(priority 1000\)/,
    );

    const own = await post('filter', { Pod: nominated, NodeNames: ['shared-1'] });
    expect(own.body['NodeNames']).toEqual(['shared-1']);
    expect((await post('bind', bindArgs('res-ns', 'hi', 'u-hi', 'shared-1'))).body).toEqual({ Error: '' });
    expect(binder.bound.map((args) => args.podName)).toEqual(['hi']);
    await extender.close();
  });

  it.each([
    {
      what: 'of another department, equal priority',
      namespace: 'res-ns',
      nominatedPriority: 100,
      podPriority: 100,
      expected: 'refuses',
    },
    {
      what: 'of another department, higher priority',
      namespace: 'res-ns',
      nominatedPriority: 1000,
      podPriority: 100,
      expected: 'refuses',
    },
    {
      what: 'of another department, lower priority',
      namespace: 'res-ns',
      nominatedPriority: 50,
      podPriority: 100,
      expected: 'passes',
    },
    {
      what: 'of the same department, higher priority',
      namespace: 'web-ns',
      nominatedPriority: 1000,
      podPriority: 0,
      expected: 'passes',
    },
    {
      what: 'with no department, higher priority',
      namespace: 'sandbox',
      nominatedPriority: 1000,
      podPriority: 0,
      expected: 'passes',
    },
  ] as const)(
    'given a pod nominated to the node $what, $expected a web pod there (filter and bind)',
    async ({ namespace, nominatedPriority, podPriority, expected }) => {
      const { extender, binder, post } = testExtender(nominatedOnShared1(namespace, nominatedPriority));
      const web = rawPriorityPod('web-ns', 'w', podPriority, undefined, { uid: 'u-w' });
      const filtered = await post('filter', { Pod: web, NodeNames: ['shared-1'] });
      const bound = await post('bind', bindArgs('web-ns', 'w', 'u-w', 'shared-1'));
      if (expected === 'passes') {
        expect(filtered.body['NodeNames']).toEqual(['shared-1']);
        expect(bound.body).toEqual({ Error: '' });
        expect(binder.bound.map((args) => args.podName)).toEqual(['w']);
      } else {
        expect(filtered.body['FailedAndUnresolvableNodes']).toEqual({
          'shared-1': expect.stringContaining(
            `node is nominated for a pod of department res (priority ${nominatedPriority})`,
          ),
        });
        expect(bound.body['Error']).toMatch(/^EXT_ERR_BIND_REFUSED: /);
        expect(binder.bound).toEqual([]);
      }
      await extender.close();
    },
  );

  it('given the bind of a pod this replica never saw (priority unknown), leaves nominated pods out', async () => {
    // Another replica filtered web-ns/hi-web (priority 1000, above the nominated res pod's 100).
    const { extender, binder, post } = testExtender(nominatedOnShared1('res-ns', 100));
    expect((await post('bind', bindArgs('web-ns', 'hi-web', 'u-hi-web', 'shared-1'))).body).toEqual({
      Error: '',
    });
    expect(binder.bound.map((args) => args.podName)).toEqual(['hi-web']);
    await extender.close();
  });

  it('given the nominated pod itself, passes its own nominated node', async () => {
    const store = nominatedOnShared1('res-ns', 1000);
    const { extender, post } = testExtender(store);
    const self = rawPriorityPod('res-ns', 'hi', 1000, 'shared-1', { uid: 'u-nominated' });
    const filtered = await post('filter', { Pod: self, NodeNames: ['shared-1', 'shared-2'] });
    expect(filtered.body['NodeNames']).toEqual(['shared-1']);
    expect(filtered.body['FailedAndUnresolvableNodes']).toEqual({
      'shared-2': expect.stringContaining('node runs pods of department web'),
    });
    await extender.close();
  });

  it('given the nominated pod bound elsewhere (by the extender, then by the watch), frees the node for others', async () => {
    const store = nominatedOnShared1('res-ns', 1000);
    store.upsert('Node', rawNode('shared-3'), 'test');
    const { extender, post } = testExtender(store);
    const hi = rawPriorityPod('res-ns', 'hi', 1000, 'shared-1', { uid: 'u-nominated' });
    await post('filter', { Pod: hi, NodeNames: ['shared-3'] });
    expect((await post('bind', bindArgs('res-ns', 'hi', 'u-nominated', 'shared-3'))).body).toEqual({
      Error: '',
    });
    const web = rawPriorityPod('web-ns', 'w', 0, undefined, { uid: 'u-w' });
    expect((await post('filter', { Pod: web, NodeNames: ['shared-1'] })).body['NodeNames']).toEqual([
      'shared-1',
    ]);
    store.upsert('Pod', rawPod('res-ns', 'hi', { uid: 'u-nominated', nodeName: 'shared-3' }), 'test');
    expect(store.podsNominatedTo('shared-1').size).toBe(0);
    expect((await post('filter', { Pod: web, NodeNames: ['shared-1'] })).body['NodeNames']).toEqual([
      'shared-1',
    ]);
    await extender.close();
  });
});
