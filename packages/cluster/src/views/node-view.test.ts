import { rawNode } from '../testing/raw-objects.js';
import { toNodeView } from './node-view.js';

describe('toNodeView', () => {
  const cases = [
    {
      name: 'a plain node is in the shared pool with no role',
      raw: rawNode('n1'),
      expected: { department: undefined, role: undefined, gpu: false },
    },
    {
      name: 'the department label dedicates the node',
      raw: rawNode('n1', { labels: { 'corral.dev/department': 'finance' } }),
      expected: { department: 'finance', role: undefined },
    },
    {
      name: 'the role label wins',
      raw: rawNode('n1', { labels: { 'corral.dev/role': 'gateway' } }),
      expected: { role: 'gateway', gpu: false },
    },
    {
      name: 'the gpu role label makes a gpu node without allocatable GPUs',
      raw: rawNode('n1', { labels: { 'corral.dev/role': 'gpu' } }),
      expected: { role: 'gpu', gpu: true },
    },
    {
      name: 'a gateway label with allocatable GPUs is both a gateway and a gpu node',
      raw: rawNode('n1', {
        labels: { 'corral.dev/role': 'gateway' },
        allocatable: { cpu: '8', 'nvidia.com/gpu': '4' },
      }),
      expected: { role: 'gateway', gpu: true },
    },
    {
      name: 'allocatable GPUs make a gpu node',
      raw: rawNode('n1', { allocatable: { cpu: '8', 'nvidia.com/gpu': '4' } }),
      expected: { role: 'gpu', gpu: true },
    },
    {
      name: 'zero allocatable GPUs do not',
      raw: rawNode('n1', { allocatable: { cpu: '8', 'nvidia.com/gpu': '0' } }),
      expected: { role: undefined, gpu: false },
    },
    {
      name: 'an unknown role label is ignored',
      raw: rawNode('n1', { labels: { 'corral.dev/role': 'db' } }),
      expected: { role: undefined, gpu: false },
    },
    {
      name: 'an unknown role label does not hide allocatable GPUs',
      raw: rawNode('n1', { labels: { 'corral.dev/role': 'db' }, allocatable: { 'nvidia.com/gpu': '1' } }),
      expected: { role: 'gpu', gpu: true },
    },
  ];
  it.each(cases)('given $name', ({ raw, expected }) => {
    const result = toNodeView(raw, 'test');
    expect(result.ok).toBe(true);
    if (result.ok)
      expect({
        department: result.value.department,
        role: result.value.role,
        gpu: result.value.gpu,
      }).toMatchObject(expected);
  });

  it('reads taints, allocatable in nanos and unschedulable', () => {
    const raw = {
      ...rawNode('n1', { unschedulable: true }),
      spec: { unschedulable: true, taints: [{ key: 'k', effect: 'NoSchedule' }] },
    };
    const result = toNodeView(raw, 'test');
    expect(result.ok && result.value).toMatchObject({
      name: 'n1',
      unschedulable: true,
      taints: [{ key: 'k', effect: 'NoSchedule' }],
    });
    expect(result.ok && result.value.allocatable.get('cpu')).toBe(8_000_000_000n);
  });

  it('uses the configured GPU resource names', () => {
    const raw = rawNode('n1', { allocatable: { 'amd.com/gpu': '1' } });
    expect(toNodeView(raw, 'test', { gpuResources: ['amd.com/gpu'] })).toMatchObject({
      ok: true,
      value: { role: 'gpu' },
    });
    const fallback = toNodeView(raw, 'test');
    expect(fallback.ok && fallback.value.role).toBeUndefined();
  });

  const invalid = [
    { name: 'no name', raw: { kind: 'Node', metadata: {} }, field: '/metadata' },
    {
      name: 'a bad allocatable',
      raw: rawNode('n1', { allocatable: { cpu: 'x' } }),
      field: '/status/allocatable/cpu',
    },
    {
      name: 'a taint without effect',
      raw: { metadata: { name: 'n1' }, spec: { taints: [{ key: 'k' }] } },
      field: '/spec/taints/0',
    },
    { name: 'not an object', raw: 'node', field: '/metadata' },
  ];
  it.each(invalid)('given $name, reports a problem with origin, kind and field', ({ raw, field }) => {
    const result = toNodeView(raw, 'file.yaml');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems[0]).toMatchObject({ source: 'file.yaml', kind: 'Node', field });
  });
});
