import { rawPod } from '@corral/cluster';
import { DEPARTMENT_LABEL } from '@corral/policy';
import {
  clusterView,
  contextOf,
  nodeView,
  podView,
  smallCluster,
  TEST_OPTIONS,
} from '../testing/small-cluster.js';
import { bindRefusal, type BindNode } from './bind-recheck.js';

const GPUS = (n: string) => ({ cpu: '32', memory: '128Gi', pods: '110', 'nvidia.com/gpu': n });
const ZONE_A = { 'topology.kubernetes.io/zone': 'a' };

describe('bindRefusal', () => {
  const store = smallCluster();
  const cluster = clusterView(store);
  const refusal = (namespace: string, node: BindNode, known = true, pod = {}) =>
    bindRefusal(contextOf(store, podView(namespace, 'p', pod)), node, cluster, TEST_OPTIONS, known);
  const held = (name: string) => store.node(name);

  it('given the snapshot’s view alone, judges by it', () => {
    expect(refusal('web-ns', { name: 'shared-1', held: held('shared-1') })).toBeUndefined();
    expect(refusal('web-ns', { name: 'fin-1', held: held('fin-1') })).toMatch(
      /^department-isolation: node is dedicated to department fin/,
    );
  });

  it('given a Node object sent that the snapshot’s view contradicts, refuses under either, saying which', () => {
    const finOnly = nodeView('shared-1', { labels: { ...ZONE_A, [DEPARTMENT_LABEL]: 'fin' } });
    expect(refusal('web-ns', { name: 'shared-1', held: held('shared-1'), sent: finOnly })).toMatch(
      /^by the Node object kube-scheduler sent last: department-isolation: node is dedicated to department fin/,
    );
    // The snapshot saw the relabel first: its refusal, unmarked.
    const shared = nodeView('fin-1', { labels: ZONE_A });
    expect(refusal('web-ns', { name: 'fin-1', held: held('fin-1'), sent: shared })).toMatch(
      /^department-isolation: node is dedicated to department fin/,
    );
  });

  it('given a GPU node sent with fewer GPUs than the snapshot holds, counts those', () => {
    const gpu = { requests: { 'nvidia.com/gpu': '2' } };
    const sent = nodeView('gpu-1', {
      labels: { ...ZONE_A, 'corral.dev/role': 'gpu' },
      allocatable: GPUS('4'),
    });
    expect(refusal('res-ns', { name: 'gpu-1', held: held('gpu-1'), sent }, true, gpu)).toMatch(
      /^gpu-nodes: node has 1 of 4/,
    );
    const fewer = nodeView('gpu-2', {
      labels: { 'topology.kubernetes.io/zone': 'b' },
      allocatable: GPUS('1'),
    });
    expect(refusal('res-ns', { name: 'gpu-2', held: held('gpu-2') }, true, gpu)).toBeUndefined();
    expect(refusal('res-ns', { name: 'gpu-2', held: held('gpu-2'), sent: fewer }, true, gpu)).toMatch(
      /^by the Node object kube-scheduler sent last: gpu-nodes: /,
    );
  });

  it('given a node the snapshot lacks, judges by the Node object sent, unmarked', () => {
    const sent = nodeView('new-1', { labels: { [DEPARTMENT_LABEL]: 'fin' } });
    expect(refusal('web-ns', { name: 'new-1', sent })).toMatch(
      /^department-isolation: node is dedicated to department fin/,
    );
  });

  it('given neither view, checks the pods known there for department isolation', () => {
    const local = smallCluster();
    local.upsert('Pod', rawPod('web-ns', 'early', { nodeName: 'new-1' }), 'test');
    const decide = (namespace: string) =>
      bindRefusal(
        contextOf(local, podView(namespace, 'p')),
        { name: 'new-1' },
        clusterView(local),
        TEST_OPTIONS,
        true,
      );
    expect(decide('res-ns')).toMatch(/^department-isolation: node runs pods of department web/);
    expect(decide('web-ns')).toBeUndefined();
  });

  it('given a pod this replica has not seen, checks department isolation alone, under each view', () => {
    const gpuPod = { requests: { 'nvidia.com/gpu': '4' } };
    // gpu-1 has 1 GPU free: a known pod asking 4 is refused, an unseen one (requests unknown) is not.
    expect(refusal('res-ns', { name: 'gpu-1', held: held('gpu-1') }, true, gpuPod)).toMatch(/gpu-nodes/);
    expect(refusal('res-ns', { name: 'gpu-1', held: held('gpu-1') }, false, gpuPod)).toBeUndefined();
    const finOnly = nodeView('shared-1', { labels: { [DEPARTMENT_LABEL]: 'fin' } });
    expect(refusal('web-ns', { name: 'shared-1', held: held('shared-1'), sent: finOnly }, false)).toMatch(
      /^by the Node object kube-scheduler sent last: department-isolation: /,
    );
  });
});
