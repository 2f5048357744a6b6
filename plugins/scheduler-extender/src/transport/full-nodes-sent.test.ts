import { rawNode, rawPod, type PodSpecOptions } from '@corral/cluster';
import { DEPARTMENT_LABEL } from '@corral/policy';
import { smallCluster } from '../testing/small-cluster.js';
import { testExtender } from '../testing/test-extender.js';

/**
 * Full mode (nodeCacheCapable: false) beyond spread: the gateway nodes the Node objects sent name,
 * the bind re-check against the Node object kube-scheduler sent, and preempt on a node the snapshot
 * does not hold yet, judged by the Node object the filter was sent.
 */
const ROLE = 'corral.dev/role';
const GATEWAY = { labels: { [ROLE]: 'gateway' } };
const pending = (namespace: string, name: string, options: PodSpecOptions = {}) =>
  rawPod(namespace, name, { phase: 'Pending', uid: `u-${name}`, ...options });
const full = (pod: unknown, ...items: unknown[]) => ({
  Pod: pod,
  Nodes: { metadata: {}, items },
  NodeNames: null,
});
const bindArgs = (namespace: string, name: string, node: string) => ({
  PodNamespace: namespace,
  PodName: name,
  PodUID: `u-${name}`,
  Node: node,
});
const GPUS = (n: string) => ({ cpu: '32', memory: '128Gi', pods: '110', 'nvidia.com/gpu': n });
const gpuNode = (name: string, gpus: string) =>
  rawNode(name, { labels: { [ROLE]: 'gpu', 'topology.kubernetes.io/zone': 'a' }, allocatable: GPUS(gpus) });
const trainer = (name: string, gpus: string) =>
  pending('res-ns', name, { requests: { 'nvidia.com/gpu': gpus } });

describe('gateway nodes named by the Node objects sent', () => {
  it('given a gateway node of its department the snapshot lacks, keeps a gateway pod off its other nodes', async () => {
    const { extender, post } = testExtender(smallCluster());
    const finGw = rawNode('fin-gw', { labels: { [DEPARTMENT_LABEL]: 'fin', [ROLE]: 'gateway' } });
    const fin1 = rawNode('fin-1', { labels: { [DEPARTMENT_LABEL]: 'fin' } });
    // Before: fin had no gateway node in the snapshot, so its gateway pod passed fin-1 too.
    const answer = await post('filter', full(pending('fin-ns', 'api', GATEWAY), fin1, finGw));
    expect(answer.body['Nodes']).toEqual({ metadata: {}, items: [finGw] });
    expect(answer.body['FailedAndUnresolvableNodes']).toEqual({
      'fin-1': expect.stringContaining("this pod may use 1 of department fin's own; this node is not one"),
    });
    await extender.close();
  });

  it('given the only shared gateway node sent without its role, no longer holds gateway pods to it', async () => {
    const { extender, post } = testExtender(smallCluster());
    const nodes = [rawNode('gw-1'), rawNode('shared-1')];
    // Before: the snapshot's gw-1 still counted, so no node passed (each refused as not a gateway).
    const answer = await post('filter', full(pending('sandbox', 'api', GATEWAY), ...nodes));
    expect(answer.body['Nodes']).toEqual({ metadata: {}, items: nodes });
    expect(answer.body['FailedAndUnresolvableNodes']).toEqual({});
    await extender.close();
  });
});

describe('bind after a full-mode filter, re-checked against the Node object sent', () => {
  it('given a GPU node sent with fewer GPUs than the snapshot holds, refuses the bind that would overcommit it', async () => {
    const { extender, binder, post } = testExtender(smallCluster());
    // gpu-2 has 4 GPUs in the snapshot; kube-scheduler's Node object says 2 (a device went away).
    for (const name of ['t1', 't2']) {
      const filtered = await post('filter', full(trainer(name, '2'), gpuNode('gpu-2', '2')));
      expect(filtered.body['FailedNodes']).toEqual({});
    }
    expect((await post('bind', bindArgs('res-ns', 't1', 'gpu-2'))).body).toEqual({ Error: '' });
    // Before: checked against the snapshot's 4 GPUs, t2 was bound too.
    const second = await post('bind', bindArgs('res-ns', 't2', 'gpu-2'));
    expect(second.body['Error']).toMatch(
      /^EXT_ERR_BIND_REFUSED: node gpu-2 no longer fits pod res-ns\/t2 \(by the Node object kube-scheduler sent last: gpu-nodes: node has 0 of 2 nvidia.com\/gpu free, pod requests 2\); kube-scheduler schedules it again$/,
    );
    expect(binder.bound.map((args) => args.podName)).toEqual(['t1']);
    await extender.close();
  });

  it('given a node relabelled to another department in a later filter, refuses the bind', async () => {
    const { extender, binder, post } = testExtender(smallCluster());
    expect((await post('filter', full(pending('web-ns', 'w1'), rawNode('shared-1')))).body['Nodes']).toEqual({
      metadata: {},
      items: [rawNode('shared-1')],
    });
    // The next pod's filter is sent shared-1 dedicated to fin; the snapshot still has it shared.
    const finOnly = rawNode('shared-1', { labels: { [DEPARTMENT_LABEL]: 'fin' } });
    await post('filter', full(pending('fin-ns', 'f1'), finOnly));
    const bind = await post('bind', bindArgs('web-ns', 'w1', 'shared-1'));
    expect(bind.body['Error']).toMatch(
      /^EXT_ERR_BIND_REFUSED: node shared-1 no longer fits pod web-ns\/w1 \(by the Node object kube-scheduler sent last: department-isolation: node is dedicated to department fin;/,
    );
    expect(binder.bound).toEqual([]);
    await extender.close();
  });

  it('given a Node object sent before the pod’s own filter (names only), checks the snapshot alone', async () => {
    const { extender, binder, post } = testExtender(smallCluster());
    await post(
      'filter',
      full(pending('fin-ns', 'f1'), rawNode('shared-1', { labels: { [DEPARTMENT_LABEL]: 'fin' } })),
    );
    // The scheduler now sends names only: the older object says nothing about this pod's choice.
    const filtered = await post('filter', { Pod: pending('web-ns', 'w1'), NodeNames: ['shared-1'] });
    expect(filtered.body['NodeNames']).toEqual(['shared-1']);
    expect((await post('bind', bindArgs('web-ns', 'w1', 'shared-1'))).body).toEqual({ Error: '' });
    expect(binder.bound.map((args) => args.podName)).toEqual(['w1']);
    await extender.close();
  });
});

describe('preempt after a full-mode filter, on a node the snapshot lacks', () => {
  it('given the Node object the filter was sent, judges the node by it and keeps the proposal', async () => {
    const store = smallCluster();
    store.upsert(
      'Pod',
      rawPod('res-ns', 'old', { nodeName: 'gpu-new', uid: 'u-old', requests: { 'nvidia.com/gpu': '3' } }),
      'test',
    );
    const { extender, post, logs } = testExtender(store);
    const preemptor = trainer('big', '4');
    const filtered = await post('filter', full(preemptor, gpuNode('gpu-new', '4')));
    expect(filtered.body['FailedNodes']).toEqual({ 'gpu-new': expect.stringContaining('gpu-nodes: ') });
    const victims = { 'gpu-new': { Pods: [rawPod('res-ns', 'old', { uid: 'u-old' })], NumPDBViolations: 0 } };
    // Before: dropped, "node gpu-new is not in Corral's node cache".
    const answer = await post('preempt', { Pod: preemptor, NodeNameToVictims: victims });
    expect(answer.body).toEqual({
      NodeNameToMetaVictims: { 'gpu-new': { Pods: [{ UID: 'u-old' }], NumPDBViolations: 0 } },
    });
    expect(logs.lines.find((line) => line['verb'] === 'preempt')).toMatchObject({ kept: 1, dropped: 0 });
    await extender.close();
  });

  it('given no Node object sent for it, still drops the node', async () => {
    const store = smallCluster();
    store.upsert('Pod', rawPod('res-ns', 'old', { nodeName: 'gpu-new', uid: 'u-old' }), 'test');
    const { extender, post, logs } = testExtender(store);
    const victims = { 'gpu-new': { Pods: [{ UID: 'u-old' }], NumPDBViolations: 0 } };
    const answer = await post('preempt', { Pod: trainer('big', '4'), NodeNameToMetaVictims: victims });
    expect(answer.body).toEqual({ NodeNameToMetaVictims: {} });
    expect(logs.lines.find((line) => line['verb'] === 'preempt')).toMatchObject({
      kept: 0,
      droppedWhy: "gpu-new: node gpu-new is not in Corral's node cache",
    });
    await extender.close();
  });
});
