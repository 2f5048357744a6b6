import { rawDepartment, rawNode, rawPod, type SnapshotStore } from '@corral/cluster';
import { DEPARTMENT_LABEL } from '@corral/policy';
import {
  clusterView,
  contextOf,
  podView,
  rawPriorityPod,
  smallCluster,
  TEST_OPTIONS,
} from '../../testing/small-cluster.js';
import { AssumedPods } from '../assumed-pods.js';
import { RefusalMemo } from '../refusal-memo.js';
import { clusterViewOf } from '../rule-input.js';
import { SpreadCounter } from '../spread-counter.js';
import { departmentIsolation, departmentIsolationUnseen } from './department-isolation.js';

function decide(store: SnapshotStore, namespace: string, node: string, assumed?: AssumedPods) {
  const cluster = assumed ? clusterViewOf(store, undefined, assumed) : clusterView(store);
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

  it.each([
    ['a dedicated', 'fin', 'fin-ns', 'web-ns'],
    ['a shared', 'res', 'res-ns', 'web-ns'],
    ['a shared (pod assumed there)', 'res', 'res-ns', 'assumed'],
  ])(
    "given %s department's own node still running another department (relabelled), returns fail",
    (_what, department, namespace, other) => {
      const local = smallCluster();
      local.upsert('Node', rawNode('shared-2', { labels: { [DEPARTMENT_LABEL]: department } }), 'test');
      const assumed = new AssumedPods({ ttlMs: 1_000 });
      if (other === 'assumed') {
        local.remove('Pod', { metadata: { namespace: 'web-ns', name: 'shop-1' } }, 'test');
        const pod = { ...podView('web-ns', 'shop-2'), nodeName: 'shared-2' };
        assumed.assume({ key: 'web-ns/shop-2', pod, department: 'web', seen: false }, 0);
      }
      const result = decide(local, namespace, 'shared-2', assumed);
      expect(result).toMatchObject({ status: 'fail', unresolvable: true });
      expect(result.message).toContain(
        `dedicated to department ${department} but still runs pods of department web`,
      );
      expect(result.message).not.toContain('shared-2');
    },
  );

  it("given a department's own node once the other department's pods are gone, returns pass", () => {
    const local = smallCluster();
    local.upsert('Node', rawNode('shared-2', { labels: { [DEPARTMENT_LABEL]: 'fin' } }), 'test');
    local.remove('Pod', { metadata: { namespace: 'web-ns', name: 'shop-1' } }, 'test');
    expect(decide(local, 'fin-ns', 'shared-2').status).toBe('pass');
  });

  it.each([
    ['a shared department', 'res-ns', 'fail'],
    ['the same department', 'web-ns', 'pass'],
    ['no department', 'sandbox', 'pass'],
  ])(
    'given a node the snapshot lacks with a web pod assumed there, %s returns %s',
    (_, namespace, status) => {
      const local = smallCluster();
      const assumed = new AssumedPods({ ttlMs: 1_000 });
      const pod = { ...podView('web-ns', 'w1'), nodeName: 'new-1' };
      assumed.assume({ key: 'web-ns/w1', pod, department: 'web', seen: false }, 0);
      const cluster = clusterViewOf(local, undefined, assumed);
      const result = departmentIsolationUnseen(
        contextOf(local, podView(namespace, 'new')),
        'new-1',
        cluster,
        TEST_OPTIONS,
      );
      expect(result).toMatchObject({ status, rule: 'department-isolation' });
    },
  );

  it('given a node whose other-department pods all finished, returns pass', () => {
    const local = smallCluster();
    local.remove('Pod', { metadata: { namespace: 'web-ns', name: 'shop-1' } }, 'test');
    expect(decide(local, 'res-ns', 'shared-2').status).toBe('pass');
  });

  describe('given the Department of the pods on the node deleted or invalid (pods of namespaces still labelled for it)', () => {
    function withoutWeb(invalid: boolean): SnapshotStore {
      const local = smallCluster();
      local.remove('Department', rawDepartment('web'), 'test');
      if (invalid) local.upsert('Department', rawDepartment('web', { nodeIsolation: 'nope' }), 'test');
      return local;
    }
    it.each([
      [
        'deleted',
        false,
        'res-ns',
        'shared-2',
        'fail',
        'node runs pods of department web (namespaces labelled',
      ],
      ['invalid', true, 'res-ns', 'shared-2', 'fail', 'no valid Department is served'],
      ['deleted', false, 'sandbox', 'shared-2', 'pass', ''],
      ['deleted', false, 'res-ns', 'shared-1', 'pass', ''],
    ])('(%s), a pod of %s on %s returns %s', (_what, invalid, namespace, node, status, message) => {
      const result = decide(withoutWeb(invalid), namespace, node);
      expect(result.status).toBe(status);
      expect(result.message).toContain(message);
      if (status === 'fail') expect(result.unresolvable).toBe(true);
    });

    it("keeps the department's own node closed to others, and counts its nominated pods", () => {
      const local = withoutWeb(false);
      local.upsert('Node', rawNode('shared-2', { labels: { [DEPARTMENT_LABEL]: 'res' } }), 'test');
      expect(decide(local, 'res-ns', 'shared-2').message).toContain('still runs pods of department web');
      local.upsert('Pod', rawPriorityPod('web-ns', 'hi', 10, 'shared-1'), 'test');
      expect(decide(local, 'res-ns', 'shared-1').message).toContain(
        'node is nominated for a pod of department web (priority 10)',
      );
    });
  });

  describe('given a pod on the node whose namespace the cache does not hold yet (two watches)', () => {
    const UNKNOWN =
      "node runs pod early of namespace late-ns, which Corral's cache does not hold yet; retry shortly";
    function withLatePod(node: string, namespace = 'late-ns'): SnapshotStore {
      const local = smallCluster();
      local.upsert('Pod', rawPod(namespace, 'early', { nodeName: node }), 'test');
      return local;
    }
    it.each([
      ['a shared department on an otherwise empty shared node', 'res-ns', 'shared-1', 'fail'],
      ['a dedicated department on its own node', 'fin-ns', 'fin-1', 'fail'],
      ['the department already on the shared node', 'web-ns', 'shared-2', 'fail'],
      ['a pod of no department (it mixes with any department)', 'sandbox', 'shared-1', 'pass'],
    ])('given %s (a pod of %s on %s), returns %s', (_what, namespace, node, status) => {
      const result = decide(withLatePod(node), namespace, node);
      expect(result.status).toBe(status);
      if (status === 'fail') expect(result).toMatchObject({ message: UNKNOWN, unresolvable: true });
    });

    it('given another department running there too, names that department (the lasting reason)', () => {
      expect(decide(withLatePod('shared-2'), 'res-ns', 'shared-2').message).toContain(
        'node runs pods of department web',
      );
    });

    it('given a system namespace not held yet, counts its pod for no department', () => {
      const local = withLatePod('shared-1', 'kube-system');
      local.remove('Namespace', { metadata: { name: 'kube-system' } }, 'test');
      expect(local.unknownNamespacesOnNode('shared-1').size).toBe(1);
      expect(decide(local, 'res-ns', 'shared-1').status).toBe('pass');
    });

    it('given the namespace once it arrives, decides by its department', () => {
      const local = withLatePod('shared-1');
      local.upsert(
        'Namespace',
        { metadata: { name: 'late-ns', labels: { [DEPARTMENT_LABEL]: 'res' } } },
        'test',
      );
      expect(decide(local, 'res-ns', 'shared-1').status).toBe('pass');
      expect(decide(local, 'web-ns', 'shared-1').message).toContain('node runs pods of department res');
    });

    it('given a node the snapshot lacks (bind after a full-mode filter), refuses too', () => {
      const local = withLatePod('new-1');
      const cluster = clusterView(local);
      const result = departmentIsolationUnseen(
        contextOf(local, podView('res-ns', 'new')),
        'new-1',
        cluster,
        TEST_OPTIONS,
      );
      expect(result).toMatchObject({ status: 'fail', message: UNKNOWN, unresolvable: true });
      const none = departmentIsolationUnseen(
        contextOf(local, podView('sandbox', 'new')),
        'new-1',
        cluster,
        TEST_OPTIONS,
      );
      expect(none.status).toBe('pass');
    });
  });
});
