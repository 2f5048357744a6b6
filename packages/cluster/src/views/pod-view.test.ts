import { rawPod } from '../testing/raw-objects.js';
import { toPodView } from './pod-view.js';

const PLAIN_FIELDS = [
  'uid',
  'namespace',
  'name',
  'nodeName',
  'phase',
  'labels',
  'terminal',
  'requests',
  'limits',
  'carriesGpuRequest',
];

describe('toPodView', () => {
  const cases = [
    {
      name: 'a running bound pod',
      raw: rawPod('ns', 'p', { nodeName: 'n1' }),
      expected: { nodeName: 'n1', phase: 'Running', terminal: false },
    },
    {
      name: 'a pod being deleted',
      raw: rawPod('ns', 'p', { nodeName: 'n1', deletionTimestamp: '2024-05-01T00:00:00Z' }),
      expected: { nodeName: 'n1', terminal: false, terminating: true },
    },
    { name: 'a succeeded pod', raw: rawPod('ns', 'p', { phase: 'Succeeded' }), expected: { terminal: true } },
    { name: 'a failed pod', raw: rawPod('ns', 'p', { phase: 'Failed' }), expected: { terminal: true } },
    {
      name: 'a gateway pod',
      raw: rawPod('ns', 'p', { labels: { 'corral.dev/role': 'gateway' } }),
      expected: { role: 'gateway', carriesGpuRequest: false },
    },
    {
      name: 'a GPU request',
      raw: rawPod('ns', 'p', { requests: { 'nvidia.com/gpu': '1' } }),
      expected: { carriesGpuRequest: true },
    },
    {
      name: 'a GPU limit only',
      raw: rawPod('ns', 'p', { limits: { 'nvidia.com/gpu': '1' } }),
      expected: { carriesGpuRequest: true },
    },
  ];
  it.each(cases)('given $name, returns its view', ({ raw, expected }) => {
    expect(toPodView(raw, 'test')).toMatchObject({
      ok: true,
      value: { namespace: 'ns', name: 'p', ...expected },
    });
  });

  it.each([
    ['a Date (as client-node decodes it)', new Date('2024-05-01T00:00:00Z'), true],
    ['null', null, false],
    ['no deletionTimestamp', undefined, false],
  ])('given a deletionTimestamp of %s, reads terminating: %s', (_what, deletionTimestamp, terminating) => {
    const raw = rawPod('ns', 'p', { nodeName: 'n1' });
    const metadata = { ...(raw['metadata'] as object), deletionTimestamp };
    const result = toPodView({ ...raw, metadata }, 'test');
    if (!result.ok) throw new Error('unreadable');
    expect('terminating' in result.value).toBe(terminating);
  });

  it.each([
    ['an RFC 3339 string and a grace period', '2024-05-01T00:00:00Z', 30, Date.UTC(2024, 4, 1, 0, 0, 30)],
    ['a Date and a zero grace period', new Date('2024-05-01T00:00:00Z'), 0, Date.UTC(2024, 4, 1)],
    ['no grace period', '2024-05-01T00:00:00Z', undefined, undefined],
    ['an unreadable timestamp', 'soon', 30, undefined],
    ['a grace period that is not an integer', '2024-05-01T00:00:00Z', '30', undefined],
  ])(
    'given a deletionTimestamp with %s, reads deletionDeadline',
    (_what, deletionTimestamp, grace, deadline) => {
      const raw = rawPod('ns', 'p', { nodeName: 'n1' });
      const metadata = {
        ...(raw['metadata'] as object),
        deletionTimestamp,
        deletionGracePeriodSeconds: grace,
      };
      const result = toPodView({ ...raw, metadata }, 'test');
      if (!result.ok) throw new Error('unreadable');
      expect(result.value.deletionDeadline).toBe(deadline);
      expect('deletionDeadline' in result.value).toBe(deadline !== undefined);
    },
  );

  it('given a nominated pod with a priority, reads status.nominatedNodeName and spec.priority', () => {
    const raw = rawPod('ns', 'p', { phase: 'Pending' });
    const nominated = {
      ...raw,
      spec: { ...(raw['spec'] as object), priority: 1000 },
      status: { phase: 'Pending', nominatedNodeName: 'n1' },
    };
    expect(toPodView(nominated, 'test')).toMatchObject({
      ok: true,
      value: { nominatedNodeName: 'n1', priority: 1000 },
    });
  });

  it.each([
    ['no priority', undefined],
    ['priority 0', 0],
    ['a priority that is not an integer', '1000'],
  ])('given %s and no nomination, leaves both fields out', (_, priority) => {
    const raw = rawPod('ns', 'p', { phase: 'Pending' });
    const result = toPodView({ ...raw, spec: { ...(raw['spec'] as object), priority } }, 'test');
    if (!result.ok) throw new Error('unreadable');
    expect('nominatedNodeName' in result.value).toBe(false);
    expect('priority' in result.value).toBe(false);
  });

  it('given a negative priority, reads it', () => {
    const raw = rawPod('ns', 'p');
    const result = toPodView({ ...raw, spec: { ...(raw['spec'] as object), priority: -5 } }, 'test');
    expect(result).toMatchObject({ ok: true, value: { priority: -5 } });
  });

  it('defaults the phase to Pending and accepts Date timestamps', () => {
    const raw = {
      metadata: { namespace: 'ns', name: 'p', creationTimestamp: new Date() },
      spec: { containers: [] },
    };
    expect(toPodView(raw, 'test')).toMatchObject({
      ok: true,
      value: { phase: 'Pending', terminal: false, uid: '' },
    });
  });

  it('given a plain bound pod, holds its ten fields in the order every view has them', () => {
    const result = toPodView(rawPod('ns', 'p', { nodeName: 'n1' }), 'test');
    if (!result.ok) throw new Error('unreadable');
    expect(Object.keys(result.value)).toEqual(PLAIN_FIELDS);
  });

  it('given a pod with every optional field, holds them in their places among the others', () => {
    const raw = rawPod('ns', 'p', {
      nodeName: 'n1',
      deletionTimestamp: '2024-05-01T00:00:00Z',
      labels: { 'corral.dev/role': 'gateway' },
    });
    const spec = { ...(raw['spec'] as object), priority: 7 };
    const result = toPodView({ ...raw, spec, status: { phase: 'Running', nominatedNodeName: 'n2' } }, 'test');
    if (!result.ok) throw new Error('unreadable');
    expect(Object.keys(result.value)).toEqual([
      ...PLAIN_FIELDS.slice(0, 7),
      'terminating',
      'requests',
      'limits',
      'role',
      'carriesGpuRequest',
      'nominatedNodeName',
      'priority',
    ]);
  });

  it.each([
    [
      'a namespace and node name longer than JSON.parse shares',
      'finance-payments-prod',
      'ip-10-0-12-34.eu-west-1.compute.internal',
    ],
    ['short ones', 'ns', 'n1'],
  ])('given %s, reads them unchanged', (_, namespace, nodeName) => {
    const [a, b] = ['a', 'b'].map((name) =>
      JSON.parse(JSON.stringify(rawPod(namespace, name, { nodeName }))),
    );
    expect([toPodView(a, 'test'), toPodView(b, 'test')]).toMatchObject([
      { ok: true, value: { namespace, name: 'a', nodeName } },
      { ok: true, value: { namespace, name: 'b', nodeName } },
    ]);
  });

  const invalid = [
    { name: 'no namespace', raw: { metadata: { name: 'p' } }, field: '/metadata' },
    {
      name: 'a bad request',
      raw: rawPod('ns', 'p', { requests: { memory: '1Gx' } }),
      field: '/spec/containers/0/resources/requests/memory',
    },
  ];
  it.each(invalid)('given $name, reports the field', ({ raw, field }) => {
    const result = toPodView(raw, 'origin');
    expect(result).toMatchObject({ ok: false, problems: [{ source: 'origin', kind: 'Pod', field }] });
  });
});
