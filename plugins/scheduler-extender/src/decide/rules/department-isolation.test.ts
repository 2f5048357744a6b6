import type { SnapshotStore } from '@corral/cluster';
import { clusterView, contextOf, podView, smallCluster, TEST_OPTIONS } from '../../testing/small-cluster.js';
import { RefusalMemo } from '../refusal-memo.js';
import { SpreadCounter } from '../spread-counter.js';
import { departmentIsolation } from './department-isolation.js';

function decide(store: SnapshotStore, namespace: string, node: string) {
  const cluster = clusterView(store);
  const view = store.node(node);
  if (!view) throw new Error(node);
  const pod = contextOf(store, podView(namespace, 'new'));
  return departmentIsolation({
    pod,
    node: view,
    cluster,
    options: TEST_OPTIONS,
    spread: new SpreadCounter(cluster.placements, pod.pod),
    memo: new RefusalMemo(),
  });
}

describe('departmentIsolation', () => {
  const store = smallCluster();
  it.each([
    ['a dedicated department on its own node', 'fin-ns', 'fin-1', 'pass', false, ''],
    [
      'a dedicated department on the shared pool',
      'fin-ns',
      'shared-1',
      'fail',
      true,
      'department fin is dedicated',
    ],
    [
      "a shared department on another department's node",
      'res-ns',
      'fin-1',
      'fail',
      true,
      'dedicated to department fin',
    ],
    ['a shared department on an empty shared node', 'res-ns', 'shared-1', 'pass', false, ''],
    [
      'a shared department on a node running another department',
      'res-ns',
      'shared-2',
      'fail',
      true,
      'node runs pods of department web',
    ],
    ['a shared department on a node running its own pods', 'web-ns', 'shared-2', 'pass', false, ''],
    ['a pod with no department on the shared pool', 'sandbox', 'shared-2', 'pass', false, ''],
    ['a pod with no department on a dedicated node', 'sandbox', 'fin-1', 'fail', true, 'no department'],
  ])('given %s, returns %s', (_what, namespace, node, status, unresolvable, message) => {
    const result = decide(store, namespace, node);
    expect(result.status).toBe(status);
    expect(result.rule).toBe('department-isolation');
    expect(result.unresolvable).toBe(unresolvable);
    expect(result.message).toContain(message);
  });

  it('given a node whose other-department pods all finished, returns pass', () => {
    const local = smallCluster();
    local.remove('Pod', { metadata: { namespace: 'web-ns', name: 'shop-1' } }, 'test');
    expect(decide(local, 'res-ns', 'shared-2').status).toBe('pass');
  });
});
