import { rawPvc } from '../testing/raw-objects.js';
import { toPvcView } from './pvc-view.js';
import { toNamespaceView } from './namespace-view.js';

describe('toPvcView', () => {
  const cases = [
    {
      name: 'a bound claim',
      raw: rawPvc('ns', 'c', '10Gi', { storageClass: 'rbd' }),
      expected: { storageClass: 'rbd', phase: 'Bound', requestedStorage: 10n * 1024n ** 3n * 10n ** 9n },
    },
    {
      name: 'a claim lowered after a failed expansion (allocated more than requested)',
      raw: {
        ...rawPvc('ns', 'c', '10Gi'),
        status: { phase: 'Bound', allocatedResources: { storage: '100Gi' } },
      },
      expected: { phase: 'Bound', requestedStorage: 100n * 1024n ** 3n * 10n ** 9n },
    },
    {
      name: 'a claim being expanded (requested more than allocated)',
      raw: {
        ...rawPvc('ns', 'c', '20Gi'),
        status: { phase: 'Bound', allocatedResources: { storage: '10Gi' } },
      },
      expected: { phase: 'Bound', requestedStorage: 20n * 1024n ** 3n * 10n ** 9n },
    },
    {
      name: 'a claim without status',
      raw: { metadata: { namespace: 'ns', name: 'c' }, spec: {} },
      expected: { phase: 'Pending', requestedStorage: 0n },
    },
  ];
  it.each(cases)('given $name, returns its view', ({ raw, expected }) => {
    expect(toPvcView(raw, 'test')).toMatchObject({
      ok: true,
      value: { namespace: 'ns', name: 'c', ...expected },
    });
  });

  // ResourceQuota's PVC evaluator (getStorageUsage): the request rounded up to a whole byte
  // (RoundUp(0)); the allocated size, rounded up too, only when larger than that and only when the
  // claim has a request.
  const byte = 10n ** 9n;
  const roundingCases: [what: string, request: string | undefined, allocated: unknown, bytes: bigint][] = [
    ['a fraction of a byte requested', '1500m', undefined, 2n],
    ['less than a byte requested', '1n', undefined, 1n],
    ['a whole number of bytes requested', '1500', undefined, 1500n],
    ['a fraction allocated under the rounded request', '1500m', { storage: '1800m' }, 2n],
    ['a fraction allocated over the rounded request', '1500m', { storage: '2500m' }, 3n],
    ['a fraction allocated under a whole request', '2', { storage: '1500m' }, 2n],
    ['allocated resources without storage', '1500m', { cpu: '1' }, 2n],
    ['storage allocated but none requested (ResourceQuota counts none)', undefined, { storage: '10Gi' }, 0n],
  ];
  it.each(roundingCases)('given %s, counts whole bytes', (_what, request, allocated, bytes) => {
    const raw = {
      metadata: { namespace: 'ns', name: 'c' },
      spec: { resources: { requests: request === undefined ? {} : { storage: request } } },
      ...(allocated === undefined ? {} : { status: { allocatedResources: allocated } }),
    };
    const view = toPvcView(raw, 'test');
    expect(view.ok && view.value.requestedStorage).toBe(bytes * byte);
  });

  const withClass = (spec: Record<string, unknown>, annotations?: Record<string, string>) => ({
    metadata: { namespace: 'ns', name: 'c', ...(annotations ? { annotations } : {}) },
    spec,
  });
  const classCases: [what: string, raw: unknown, expected: string | undefined][] = [
    ['spec.storageClassName', withClass({ storageClassName: 'gold' }), 'gold'],
    ['no class (no default class existed)', withClass({}), undefined],
    ['an empty class (no dynamic provisioning)', withClass({ storageClassName: '' }), undefined],
    [
      'the beta annotation, which wins over spec.storageClassName',
      withClass({ storageClassName: 'gold' }, { 'volume.beta.kubernetes.io/storage-class': 'silver' }),
      'silver',
    ],
    [
      'an empty beta annotation, which wins too',
      withClass({ storageClassName: 'gold' }, { 'volume.beta.kubernetes.io/storage-class': '' }),
      undefined,
    ],
  ];
  it.each(classCases)('given %s, counts the claim under class %j', (_what, raw, expected) => {
    const view = toPvcView(raw, 'test');
    expect(view.ok && view.value.storageClass).toBe(expected);
  });

  it('given a bad storage request, reports the field', () => {
    expect(toPvcView(rawPvc('ns', 'c', 'ten'), 'o')).toMatchObject({
      ok: false,
      problems: [
        {
          kind: 'PersistentVolumeClaim',
          namespace: 'ns',
          name: 'c',
          field: '/spec/resources/requests/storage',
        },
      ],
    });
  });
});

describe('toNamespaceView', () => {
  it.each([
    {
      raw: { metadata: { name: 'a', labels: { x: 'y', n: 1 } } },
      expected: { ok: true, value: { name: 'a', labels: { x: 'y' } } },
    },
    { raw: { metadata: { name: 'a' } }, expected: { ok: true, value: { name: 'a', labels: {} } } },
    { raw: { metadata: {} }, expected: { ok: false } },
  ])('given $raw, returns $expected', ({ raw, expected }) => {
    expect(toNamespaceView(raw, 'o')).toMatchObject(expected);
  });
});
