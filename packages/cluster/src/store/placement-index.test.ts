import type { PodView } from '../views/pod-view.js';
import { PlacementIndex } from './placement-index.js';

const pod = (name: string, namespace: string, nodeName?: string, terminal = false): PodView => ({
  uid: name,
  namespace,
  name,
  ...(nodeName ? { nodeName } : {}),
  phase: terminal ? 'Succeeded' : 'Running',
  labels: {},
  terminal,
  requests: new Map(),
  limits: new Map(),
  carriesGpuRequest: false,
});

describe('PlacementIndex', () => {
  const cases = [
    {
      name: 'a bound pod counts',
      pods: [pod('p', 'ns', 'n1')],
      node: 'n1',
      podKeys: ['ns/p'],
      departments: { a: 1 },
    },
    { name: 'an unbound pod does not', pods: [pod('p', 'ns')], node: 'n1', podKeys: [], departments: {} },
    {
      name: 'a terminal pod does not',
      pods: [pod('p', 'ns', 'n1', true)],
      node: 'n1',
      podKeys: [],
      departments: {},
    },
    {
      name: 'pods add up per department',
      pods: [pod('p', 'ns', 'n1'), pod('q', 'ns', 'n1'), pod('r', 'ns', 'n2')],
      node: 'n1',
      podKeys: ['ns/p', 'ns/q'],
      departments: { a: 2 },
    },
  ];
  it.each(cases)('given $name', ({ pods, node, podKeys, departments }) => {
    const index = new PlacementIndex(() => true);
    for (const p of pods) index.add(p, 'a');
    expect([...index.podsOnNode(node).keys()]).toEqual(podKeys);
    expect(Object.fromEntries(index.departmentsOnNode(node))).toEqual(departments);
  });

  it('removes pods and moves namespaces between departments', () => {
    const index = new PlacementIndex(() => true);
    const p = pod('p', 'ns', 'n1');
    index.add(p, 'a');
    index.add(pod('q', 'ns', 'n2'), 'a');
    index.moveNamespace('ns', 'a', 'b');
    expect(Object.fromEntries(index.departmentsOnNode('n1'))).toEqual({ b: 1 });
    index.remove(p, 'b');
    expect(index.departmentsOnNode('n1').size).toBe(0);
    expect(index.podsOnNode('n1').size).toBe(0);
    expect(Object.fromEntries(index.departmentsOnNode('n2'))).toEqual({ b: 1 });
  });

  it('counts the pods of a namespace it does not hold under that namespace, until it holds it', () => {
    const held = new Set(['known']);
    const index = new PlacementIndex((namespace) => held.has(namespace));
    const early = pod('early', 'late-ns', 'n1');
    index.add(early, undefined);
    index.add(pod('q', 'late-ns', 'n2'), undefined);
    index.add(pod('r', 'known', 'n1'), 'a');
    index.add(pod('pending', 'late-ns'), undefined);
    expect(Object.fromEntries(index.unknownNamespacesOnNode('n1'))).toEqual({ 'late-ns': 1 });
    expect(Object.fromEntries(index.unknownNamespacesOnNode('n2'))).toEqual({ 'late-ns': 1 });
    held.add('late-ns');
    index.holdNamespace('late-ns');
    index.moveNamespace('late-ns', undefined, 'b');
    expect(index.unknownNamespacesOnNode('n1').size).toBe(0);
    expect(Object.fromEntries(index.departmentsOnNode('n1'))).toEqual({ a: 1, b: 1 });
    held.delete('late-ns');
    index.dropNamespace('late-ns');
    index.moveNamespace('late-ns', 'b', undefined);
    expect(Object.fromEntries(index.unknownNamespacesOnNode('n2'))).toEqual({ 'late-ns': 1 });
    index.remove(early, undefined);
    expect(index.unknownNamespacesOnNode('n1').size).toBe(0);
    expect(Object.fromEntries(index.departmentsOnNode('n1'))).toEqual({ a: 1 });
  });
});
