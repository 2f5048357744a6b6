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
    const index = new PlacementIndex();
    for (const p of pods) index.add(p, 'a');
    expect([...index.podsOnNode(node).keys()]).toEqual(podKeys);
    expect(Object.fromEntries(index.departmentsOnNode(node))).toEqual(departments);
  });

  it('removes pods and moves namespaces between departments', () => {
    const index = new PlacementIndex();
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
});
