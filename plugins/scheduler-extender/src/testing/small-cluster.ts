import {
  rawDepartment,
  rawNamespace,
  rawNamespacePolicy,
  rawNode,
  rawPod,
  SnapshotStore,
  toNodeView,
  toPodView,
  type NodeView,
  type PodSpecOptions,
  type PodView,
} from '@corral/cluster';
import { DEPARTMENT_LABEL } from '@corral/policy';
import { DEFAULT_DECIDE_OPTIONS, type DecideOptions } from '../decide/decide-options.js';
import { podContext, type PodContext } from '../decide/pod-context.js';
import { clusterViewOf, type ClusterView } from '../decide/rule-input.js';
import { RefusalMemo } from '../decide/refusal-memo.js';
import { SpreadCounter } from '../decide/spread-counter.js';

/**
 * A small cluster for tests (here and in test/integration): departments fin (dedicated), res and web
 * (shared); namespaces fin-ns, res-ns, web-ns, sandbox (no department), kube-system.
 * Nodes: shared-1 (empty), shared-2 (runs web), fin-1 (fin's), gpu-1 (role label, 4 GPUs, 3 used by
 * res), gpu-2 (GPUs by allocatable only, empty), gw-1 (gateway, runs web's gateway). Zones a/b.
 */
export function smallCluster(): SnapshotStore {
  const store = new SnapshotStore();
  const dept = (name: string) => ({ [DEPARTMENT_LABEL]: name });
  store.replaceAll(
    'Namespace',
    [
      rawNamespace('fin-ns', dept('fin')),
      rawNamespace('res-ns', dept('res')),
      rawNamespace('web-ns', dept('web')),
      rawNamespace('sandbox'),
      rawNamespace('kube-system'),
    ],
    'test',
  );
  store.replaceAll(
    'Department',
    [
      rawDepartment('fin', { nodeIsolation: 'dedicated' }),
      rawDepartment('res', { nodeIsolation: 'shared' }),
      rawDepartment('web'),
    ],
    'test',
  );
  const zone = (z: string, extra: Record<string, string> = {}) => ({
    'topology.kubernetes.io/zone': z,
    ...extra,
  });
  const gpus = { cpu: '32', memory: '128Gi', pods: '110', 'nvidia.com/gpu': '4' };
  store.replaceAll(
    'Node',
    [
      rawNode('shared-1', { labels: zone('a', { 'kubernetes.io/hostname': 'shared-1' }) }),
      rawNode('shared-2', { labels: zone('b', { 'kubernetes.io/hostname': 'shared-2' }) }),
      rawNode('fin-1', { labels: zone('a', { ...dept('fin'), 'kubernetes.io/hostname': 'fin-1' }) }),
      rawNode('gpu-1', { labels: zone('a', { 'corral.dev/role': 'gpu' }), allocatable: gpus }),
      rawNode('gpu-2', { labels: zone('b'), allocatable: gpus }),
      rawNode('gw-1', { labels: zone('a', { 'corral.dev/role': 'gateway' }) }),
    ],
    'test',
  );
  store.replaceAll(
    'Pod',
    [
      rawPod('web-ns', 'shop-1', { nodeName: 'shared-2', labels: { app: 'shop' } }),
      rawPod('res-ns', 'train-1', { nodeName: 'gpu-1', requests: { 'nvidia.com/gpu': '3' } }),
      rawPod('web-ns', 'edge-1', { nodeName: 'gw-1', labels: { 'corral.dev/role': 'gateway' } }),
    ],
    'test',
  );
  return store;
}

/** Adds a NamespacePolicy with scheduling rules to a store. */
export function withScheduling(
  store: SnapshotStore,
  namespace: string,
  scheduling: Record<string, unknown>,
): SnapshotStore {
  store.upsert('NamespacePolicy', rawNamespacePolicy(namespace, 'policy', { scheduling }), 'test');
  return store;
}

/** The decision view of a store. */
export function clusterView(store: SnapshotStore): ClusterView {
  return clusterViewOf(store);
}

/** A pod view built from a raw pod, as the extender builds it from the request. */
export function podView(namespace: string, name: string, options: PodSpecOptions = {}): PodView {
  const result = toPodView(rawPod(namespace, name, { phase: 'Pending', ...options }), 'test');
  if (!result.ok) throw new Error(`bad test pod ${namespace}/${name}`);
  return result.value;
}

/** A node view built from a raw node, as the extender reads a Node object a full-mode request sends. */
export function nodeView(name: string, options: Parameters<typeof rawNode>[1] = {}): NodeView {
  const result = toNodeView(rawNode(name, options), 'test');
  if (!result.ok) throw new Error(`bad test node ${name}`);
  return result.value;
}

/** The pod's context against a store. */
export function contextOf(store: SnapshotStore, pod: PodView): PodContext {
  return podContext(pod, store);
}

export const TEST_OPTIONS: DecideOptions = DEFAULT_DECIDE_OPTIONS;

/** One rule's input for a new pod of `namespace` on `node`. */
export function ruleInput(
  store: SnapshotStore,
  namespace: string,
  node: string,
  pod: PodSpecOptions = {},
  name = 'new',
) {
  const cluster = clusterView(store);
  const view = store.node(node);
  if (!view) throw new Error(`no node ${node} in the test cluster`);
  const context = contextOf(store, podView(namespace, name, pod));
  return {
    pod: context,
    node: view,
    cluster,
    options: TEST_OPTIONS,
    spread: new SpreadCounter(cluster.placements, context.pod),
    memo: new RefusalMemo(),
  };
}

/**
 * A raw pending pod with spec.priority and, when `nominated` is given, status.nominatedNodeName: a
 * preemptor as kube-scheduler leaves it once the victims are gone (and as it sends it to filter).
 */
export function rawPriorityPod(
  namespace: string,
  name: string,
  priority: number,
  nominated?: string,
  options: PodSpecOptions = {},
): Record<string, unknown> {
  const raw = rawPod(namespace, name, { phase: 'Pending', ...options });
  return {
    ...raw,
    spec: { ...(raw['spec'] as Record<string, unknown>), priority },
    status: { phase: 'Pending', ...(nominated === undefined ? {} : { nominatedNodeName: nominated }) },
  };
}
