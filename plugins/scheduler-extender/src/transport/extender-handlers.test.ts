import { rawDepartment, rawNamespace, rawPod, type SnapshotStore } from '@corral/cluster';
import { DEPARTMENT_LABEL } from '@corral/policy';
import { smallCluster } from '../testing/small-cluster.js';
import { testExtender } from '../testing/test-extender.js';

/**
 * smallCluster plus green-ns, labelled with department green, which the snapshot does not hold
 * (the Department watch lags the Namespace's, or the policy gate rejected green).
 */
function lagging(): SnapshotStore {
  const store = smallCluster();
  store.upsert('Namespace', rawNamespace('green-ns', { [DEPARTMENT_LABEL]: 'green' }), 'test');
  store.upsert('Pod', rawPod('sandbox', 'victim', { nodeName: 'shared-1', uid: 'u-victim' }), 'test');
  return store;
}

const pod = rawPod('green-ns', 'g1', { phase: 'Pending', uid: 'u-g1' });
const gpuPod = rawPod('green-ns', 'g2', { phase: 'Pending', requests: { 'nvidia.com/gpu': '1' } });
const UNKNOWN = /^EXT_ERR_UNKNOWN_DEPARTMENT: namespace green-ns is labelled corral.dev\/department=green/;

describe('a namespace labelled with a department the snapshot does not hold', () => {
  it('given filter, answers EXT_ERR_UNKNOWN_DEPARTMENT and no node', async () => {
    const { extender, post } = testExtender(lagging());
    const answer = await post('filter', { Pod: pod, NodeNames: ['shared-1', 'shared-2'] });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ NodeNames: null, FailedNodes: {}, FailedAndUnresolvableNodes: {} });
    expect(answer.body['Error']).toMatch(UNKNOWN);
    await extender.close();
  });

  it('given prioritize, answers no preference (gpu-packing would prefer gpu-1)', async () => {
    const { extender, post } = testExtender(lagging());
    const answer = await post('prioritize', { Pod: gpuPod, NodeNames: ['gpu-1', 'gpu-2'] });
    expect(answer.body).toEqual([
      { Host: 'gpu-1', Score: 0 },
      { Host: 'gpu-2', Score: 0 },
    ]);
    await extender.close();
  });

  it('given preempt, keeps no node (a pod of no department would keep its no-department victim)', async () => {
    const { extender, post } = testExtender(lagging());
    const victims = { 'shared-1': { Pods: [{ UID: 'u-victim' }], NumPDBViolations: 0 } };
    const answer = await post('preempt', { Pod: pod, NodeNameToMetaVictims: victims });
    expect(answer.body).toEqual({ NodeNameToMetaVictims: {} });
    await extender.close();
  });

  it('given bind, answers EXT_ERR_UNKNOWN_DEPARTMENT and binds nothing', async () => {
    const { extender, binder, post } = testExtender(lagging());
    const args = { PodNamespace: 'green-ns', PodName: 'g1', PodUID: 'u-g1', Node: 'shared-2' };
    expect((await post('bind', args)).body['Error']).toMatch(UNKNOWN);
    expect(binder.bound).toEqual([]);
    await extender.close();
  });

  it('given the Department then delivered, decides by it', async () => {
    const store = lagging();
    const { extender, post } = testExtender(store);
    store.upsert('Department', rawDepartment('green'), 'test');
    const answer = await post('filter', { Pod: pod, NodeNames: ['shared-1', 'gw-1', 'fin-1'] });
    expect(answer.body).toMatchObject({ Error: '', NodeNames: ['shared-1'] });
    const scores = await post('prioritize', { Pod: gpuPod, NodeNames: ['gpu-1', 'gpu-2'] });
    expect((scores.body as unknown as { Score: number }[])[0]?.Score).toBeGreaterThan(0);
    await extender.close();
  });
});

describe('a pod of a system namespace', () => {
  const ds = rawPod('kube-system', 'kube-proxy-x1', { phase: 'Pending' });

  it('given names-only filter with a node not in the cache yet, passes every node untouched', async () => {
    const { extender, post } = testExtender(smallCluster());
    const answer = await post('filter', { Pod: ds, Nodes: null, NodeNames: ['new-node-7', 'fin-1'] });
    expect(answer.body).toEqual({
      Nodes: null,
      NodeNames: ['new-node-7', 'fin-1'],
      FailedNodes: {},
      FailedAndUnresolvableNodes: {},
      Error: '',
    });
    await extender.close();
  });

  it('given full-mode filter with a Node object Corral cannot read, passes it back unchanged', async () => {
    const { extender, post } = testExtender(smallCluster());
    const odd = { metadata: { name: 'odd-1' }, status: { allocatable: { cpu: 'lots' } } };
    const answer = await post('filter', { Pod: ds, Nodes: { metadata: {}, items: [odd] }, NodeNames: null });
    expect(answer.body).toMatchObject({ Nodes: { items: [odd] }, FailedAndUnresolvableNodes: {}, Error: '' });
    await extender.close();
  });
});
