import { toNodeView, toPodView, type NodeView, type PodView } from '@corral/cluster';
import { describe, expect, it } from 'vitest';
import {
  kubeFilters,
  matchesNodeAffinity,
  matchesRequirement,
  requestsOnNode,
  tolerates,
} from './kube-filters.js';

function node(
  name: string,
  extra: { labels?: object; taints?: object[]; cpu?: string; gpus?: number; cordoned?: boolean } = {},
): NodeView {
  const view = toNodeView(
    {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name, labels: extra.labels ?? {} },
      spec: { taints: extra.taints ?? [], ...(extra.cordoned ? { unschedulable: true } : {}) },
      status: {
        allocatable: {
          cpu: extra.cpu ?? '4',
          memory: '8Gi',
          ...(extra.gpus ? { 'nvidia.com/gpu': String(extra.gpus) } : {}),
        },
      },
    },
    'test',
  );
  if (!view.ok) throw new Error('bad node');
  return view.value;
}

function pod(
  spec: Record<string, unknown>,
  nodeName?: string,
): { spec: Record<string, unknown>; view: PodView } {
  const full = { containers: [{ name: 'a', image: 'x' }], ...spec, ...(nodeName ? { nodeName } : {}) };
  const view = toPodView(
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'ns' },
      spec: full,
      status: { phase: 'Running' },
    },
    'test',
  );
  if (!view.ok) throw new Error('bad pod');
  return { spec: full, view: view.value };
}

const TAINT = { key: 'corral.dev/department', value: 'finance', effect: 'NoSchedule' };

describe('tolerates', () => {
  it.each([
    [
      'an Equal toleration with the same key, value and effect',
      { key: TAINT.key, operator: 'Equal', value: 'finance', effect: 'NoSchedule' },
      true,
    ],
    [
      'an Equal toleration of another value',
      { key: TAINT.key, operator: 'Equal', value: 'web', effect: 'NoSchedule' },
      false,
    ],
    ['an Exists toleration of the key, any effect', { key: TAINT.key, operator: 'Exists' }, true],
    ['an Exists toleration with no key (tolerates everything)', { operator: 'Exists' }, true],
    ['a toleration of another effect', { key: TAINT.key, operator: 'Exists', effect: 'NoExecute' }, false],
    ['no operator (Equal by default) and no value', { key: TAINT.key, effect: 'NoSchedule' }, false],
  ])('given %s, returns %s', (_name, toleration, expected) => {
    expect(tolerates(toleration, TAINT)).toBe(expected);
  });
});

describe('matchesRequirement', () => {
  const labels = { zone: 'a', size: '8' };
  it.each([
    [{ key: 'zone', operator: 'In', values: ['a', 'b'] }, true],
    [{ key: 'zone', operator: 'In', values: ['c'] }, false],
    [{ key: 'zone', operator: 'NotIn', values: ['c'] }, true],
    [{ key: 'missing', operator: 'NotIn', values: ['c'] }, true],
    [{ key: 'zone', operator: 'Exists' }, true],
    [{ key: 'zone', operator: 'DoesNotExist' }, false],
    [{ key: 'size', operator: 'Gt', values: ['4'] }, true],
    [{ key: 'size', operator: 'Lt', values: ['4'] }, false],
    [{ key: 'zone', operator: 'Sideways' }, false],
  ])('given %j, returns %s', (requirement, expected) => {
    expect(matchesRequirement(labels, requirement)).toBe(expected);
  });
});

describe('matchesNodeAffinity', () => {
  const n = node('n1', { labels: { 'corral.dev/department': 'finance' } });
  const affinity = (terms: object[]) => ({
    affinity: {
      nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } },
    },
  });
  it('given no selector and no affinity, matches', () => expect(matchesNodeAffinity(n, {})).toBe(true));
  it('given a nodeSelector the node lacks, does not match', () =>
    expect(matchesNodeAffinity(n, { nodeSelector: { disk: 'ssd' } })).toBe(false));
  it('given terms, matches when any term matches (ORed)', () => {
    const terms = [
      { matchExpressions: [{ key: 'corral.dev/department', operator: 'In', values: ['web'] }] },
      { matchExpressions: [{ key: 'corral.dev/department', operator: 'In', values: ['finance'] }] },
    ];
    expect(matchesNodeAffinity(n, affinity(terms))).toBe(true);
    expect(matchesNodeAffinity(n, affinity(terms.slice(0, 1)))).toBe(false);
  });
  it('given matchFields on metadata.name, matches the node by name', () => {
    const terms = [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] }];
    expect(matchesNodeAffinity(n, affinity(terms))).toBe(true);
  });
  it('given an empty term, matches nothing (as kube-scheduler)', () =>
    expect(matchesNodeAffinity(n, affinity([{}]))).toBe(false));
});

describe('kubeFilters', () => {
  const nodes = [
    node('tainted', { taints: [TAINT] }),
    node('small', { cpu: '1' }),
    node('cordoned', { cordoned: true }),
    node('gpu', { gpus: 2 }),
    node('plain'),
  ];

  it('given a plain pod, refuses the tainted, too small and cordoned nodes with kube-scheduler reasons', () => {
    const p = pod({ containers: [{ name: 'a', image: 'x', resources: { requests: { cpu: '2' } } }] });
    const verdicts = kubeFilters(p.spec, p.view, nodes, () => new Map());
    expect(Object.fromEntries(verdicts.map((v) => [v.node, v.reasons]))).toEqual({
      tainted: ['node(s) had untolerated taint {corral.dev/department: finance}'],
      small: ['Insufficient cpu'],
      cordoned: ['node(s) were unschedulable'],
      gpu: [],
      plain: [],
    });
  });

  it('given a GPU pod, refuses nodes without free GPUs, counting what running pods use', () => {
    const p = pod({
      containers: [{ name: 'a', image: 'x', resources: { limits: { 'nvidia.com/gpu': '2' } } }],
    });
    const running = pod(
      { containers: [{ name: 'b', image: 'x', resources: { limits: { 'nvidia.com/gpu': '1' } } }] },
      'gpu',
    );
    const used = (name: string) => requestsOnNode(name === 'gpu' ? [running.view] : []);
    const gpu = kubeFilters(p.spec, p.view, nodes, used).find((v) => v.node === 'gpu');
    expect(gpu?.reasons).toEqual(['Insufficient nvidia.com/gpu']);
    expect(
      kubeFilters(p.spec, p.view, nodes, () => new Map()).find((v) => v.node === 'gpu')?.reasons,
    ).toEqual([]);
  });

  it('given the toleration, passes the tainted node', () => {
    const p = pod({
      tolerations: [{ key: TAINT.key, operator: 'Equal', value: 'finance', effect: 'NoSchedule' }],
    });
    expect(kubeFilters(p.spec, p.view, nodes, () => new Map())[0]?.reasons).toEqual([]);
  });
});

describe('requestsOnNode', () => {
  it('given running and finished pods, sums only what the running ones request', () => {
    const a = pod({ containers: [{ name: 'a', image: 'x', resources: { requests: { cpu: '1' } } }] }).view;
    const done = { ...a, terminal: true };
    expect(requestsOnNode([a, a, done]).get('cpu')).toBe(2_000_000_000n);
  });
});
