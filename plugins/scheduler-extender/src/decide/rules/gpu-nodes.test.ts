import { rawNode, rawPod } from '@corral/cluster';
import { smallCluster, ruleInput } from '../../testing/small-cluster.js';
import { gatewayNodes } from './gateway-nodes.js';
import { gpuNodes } from './gpu-nodes.js';

const GPU = (n: string) => ({ requests: { 'nvidia.com/gpu': n } });

describe('gpuNodes', () => {
  const store = smallCluster();
  it.each([
    [
      'a CPU pod on a node labelled role=gpu',
      {},
      'gpu-1',
      'fail',
      true,
      'dedicated to GPU workloads (pod requests no nvidia.com/gpu)',
    ],
    [
      'a CPU pod on a node with allocatable GPUs only',
      {},
      'gpu-2',
      'fail',
      true,
      'dedicated to GPU workloads',
    ],
    ['a CPU pod on a plain node', {}, 'shared-1', 'pass', false, ''],
    ['a GPU pod on a plain node', GPU('1'), 'shared-1', 'fail', true, 'not a GPU node'],
    ['a 1-GPU pod where 1 of 4 is free', GPU('1'), 'gpu-1', 'pass', false, ''],
    [
      'a 2-GPU pod where 1 of 4 is free',
      GPU('2'),
      'gpu-1',
      'fail',
      false,
      'has 1 of 4 nvidia.com/gpu free, pod requests 2',
    ],
    ['a 4-GPU pod on an empty GPU node', GPU('4'), 'gpu-2', 'pass', false, ''],
    ['a 5-GPU pod on a 4-GPU node', GPU('5'), 'gpu-2', 'fail', true, 'pod requests 5'],
  ])('given %s, returns %s', (_what, pod, node, status, unresolvable, message) => {
    const result = gpuNodes(ruleInput(store, 'res-ns', node, pod));
    expect(result).toMatchObject({ status, unresolvable, rule: 'gpu-nodes' });
    expect(result.message).toContain(message);
  });

  it('given a GPU pod limited (not requested) to 2 GPUs, counts the limit as its request', () => {
    const result = gpuNodes(ruleInput(store, 'res-ns', 'gpu-1', { limits: { 'nvidia.com/gpu': '2' } }));
    expect(result.status).toBe('fail');
  });

  it('given two GPU resources short, one of them beyond the node, reports that one (unresolvable)', () => {
    const local = smallCluster();
    const allocatable = { cpu: '8', pods: '110', 'nvidia.com/gpu': '4', 'amd.com/gpu': '2' };
    local.upsert('Node', rawNode('mixed', { labels: { 'corral.dev/role': 'gpu' }, allocatable }), 'test');
    local.upsert('Pod', rawPod('res-ns', 'busy', { nodeName: 'mixed', requests: GPU('4').requests }), 'test');
    const input = ruleInput(local, 'res-ns', 'mixed', {
      requests: { 'nvidia.com/gpu': '1', 'amd.com/gpu': '3' },
    });
    const result = gpuNodes({
      ...input,
      options: { ...input.options, gpuResources: ['nvidia.com/gpu', 'amd.com/gpu'] },
    });
    expect(result).toMatchObject({ status: 'fail', unresolvable: true });
    expect(result.message).toBe('node has 2 of 2 amd.com/gpu free, pod requests 3');
  });

  describe('given a gateway-labelled node with allocatable GPUs (both a gateway and a GPU node)', () => {
    const local = smallCluster();
    const allocatable = { cpu: '32', pods: '110', 'nvidia.com/gpu': '8' };
    local.upsert(
      'Node',
      rawNode('gw-gpu', { labels: { 'corral.dev/role': 'gateway' }, allocatable }),
      'test',
    );
    const gateway = { labels: { 'corral.dev/role': 'gateway' } };
    it.each([
      ['a gateway pod requesting no GPU', 'fail', 'pass', gateway, 'dedicated to GPU workloads'],
      ['a GPU pod that is no gateway', 'pass', 'fail', GPU('1'), ''],
      ['a gateway pod requesting a GPU', 'pass', 'pass', { ...gateway, ...GPU('1') }, ''],
    ])('given %s, gpu-nodes returns %s and gateway-nodes %s', (_what, gpu, gw, pod, message) => {
      const input = ruleInput(local, 'res-ns', 'gw-gpu', pod);
      const result = gpuNodes(input);
      expect(result.status).toBe(gpu);
      expect(result.message).toContain(message);
      expect(gatewayNodes(input).status).toBe(gw);
    });
  });

  it('given a finished GPU pod on the node, frees its GPUs', () => {
    const local = smallCluster();
    local.upsert('Pod', { ...rawTrain(), status: { phase: 'Succeeded' } }, 'test');
    expect(gpuNodes(ruleInput(local, 'res-ns', 'gpu-1', GPU('4'))).status).toBe('pass');
  });
});

function rawTrain() {
  return {
    metadata: { namespace: 'res-ns', name: 'train-1', uid: 'uid-train' },
    spec: {
      nodeName: 'gpu-1',
      containers: [{ name: 'a', resources: { requests: { 'nvidia.com/gpu': '3' } } }],
    },
  };
}
