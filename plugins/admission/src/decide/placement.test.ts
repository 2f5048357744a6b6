import { applyPlacement, carriesGpuRequest, type Placement } from './placement.js';

const base: Placement = {
  department: 'finance',
  isolation: 'dedicated',
  gpu: false,
  gateway: false,
  gpuResources: ['nvidia.com/gpu'],
};
const dept = (operator: string, values?: string[]) => ({
  key: 'corral.dev/department',
  operator,
  ...(values ? { values } : {}),
});
const role = (operator: string, values: string[]) => ({ key: 'corral.dev/role', operator, values });
const termsOf = (spec: Record<string, unknown>) =>
  (
    spec['affinity'] as {
      nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: unknown[] } };
    }
  ).nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms;

function placed(spec: Record<string, unknown>, placement: Placement): Record<string, unknown> {
  const copy = structuredClone(spec);
  applyPlacement(copy, placement);
  return copy;
}

describe('applyPlacement node affinity', () => {
  const userTerm = { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] };
  const userTerm2 = { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] };
  const cases: [string, Record<string, unknown>, Placement, unknown[]][] = [
    [
      'dedicated, no affinity',
      {},
      base,
      [{ matchExpressions: [dept('In', ['finance']), role('NotIn', ['gpu', 'gateway'])] }],
    ],
    [
      'shared, no affinity',
      {},
      { ...base, department: 'web', isolation: 'shared' },
      [
        { matchExpressions: [dept('In', ['web']), role('NotIn', ['gpu', 'gateway'])] },
        { matchExpressions: [dept('DoesNotExist'), role('NotIn', ['gpu', 'gateway'])] },
      ],
    ],
    [
      'dedicated, two user terms: each keeps its own requirements',
      {
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [userTerm, userTerm2] },
          },
        },
      },
      base,
      [
        {
          matchExpressions: [
            userTerm.matchExpressions[0],
            dept('In', ['finance']),
            role('NotIn', ['gpu', 'gateway']),
          ],
        },
        { ...userTerm2, matchExpressions: [dept('In', ['finance']), role('NotIn', ['gpu', 'gateway'])] },
      ],
    ],
    [
      'shared, one user term: split in two, both keep it',
      {
        affinity: {
          nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [userTerm] } },
        },
      },
      { ...base, department: 'research', isolation: 'shared', gpu: true },
      [
        {
          matchExpressions: [
            userTerm.matchExpressions[0],
            dept('In', ['research']),
            role('NotIn', ['gateway']),
          ],
        },
        {
          matchExpressions: [userTerm.matchExpressions[0], dept('DoesNotExist'), role('NotIn', ['gateway'])],
        },
      ],
    ],
    [
      'an empty and a null term beside a user term (they select no node): kept as they are',
      {
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [{}, null, { matchExpressions: [], matchFields: [] }, userTerm],
            },
          },
        },
      },
      base,
      [
        {},
        null,
        { matchExpressions: [], matchFields: [] },
        {
          matchExpressions: [
            userTerm.matchExpressions[0],
            dept('In', ['finance']),
            role('NotIn', ['gpu', 'gateway']),
          ],
        },
      ],
    ],
    [
      'gateway pod',
      {},
      { ...base, department: 'web', isolation: 'shared', gateway: true },
      [
        { matchExpressions: [dept('In', ['web']), role('In', ['gateway'])] },
        { matchExpressions: [dept('DoesNotExist'), role('In', ['gateway'])] },
      ],
    ],
  ];
  it.each(cases)('given %s, returns the merged terms', (_what, spec, placement, terms) => {
    expect(termsOf(placed(spec, placement))).toEqual(terms);
  });

  it('given preferred affinity and pod affinity, keeps them', () => {
    const preferred = [{ weight: 1, preference: { matchExpressions: [{ key: 'x', operator: 'Exists' }] } }];
    const spec = {
      affinity: {
        podAffinity: { a: 1 },
        nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: preferred },
      },
    };
    const out = placed(spec, base) as { affinity: Record<string, Record<string, unknown>> };
    expect(out.affinity['podAffinity']).toEqual({ a: 1 });
    expect(out.affinity['nodeAffinity']?.['preferredDuringSchedulingIgnoredDuringExecution']).toEqual(
      preferred,
    );
  });

  it.each([
    ['dedicated', base],
    ['shared gpu', { ...base, isolation: 'shared', gpu: true } as Placement],
    ['shared gateway', { ...base, isolation: 'shared', gateway: true } as Placement],
  ])('given an already placed %s pod, changes nothing', (_what, placement) => {
    const once = placed(
      {
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [{ matchExpressions: [{ key: 'z', operator: 'Exists' }] }],
            },
          },
        },
      },
      placement,
    );
    expect(placed(once, placement)).toEqual(once);
  });
});

describe('applyPlacement tolerations', () => {
  const t = (key: string, operator: string, value: string | undefined) => ({
    key,
    operator,
    ...(value ? { value } : {}),
    effect: 'NoSchedule',
  });
  const cases: [string, Placement, unknown[]][] = [
    ['a plain pod', base, [t('corral.dev/department', 'Equal', 'finance')]],
    [
      'a gateway pod',
      { ...base, gateway: true },
      [t('corral.dev/department', 'Equal', 'finance'), t('corral.dev/role', 'Equal', 'gateway')],
    ],
    [
      'a GPU pod',
      { ...base, gpu: true },
      [
        t('corral.dev/department', 'Equal', 'finance'),
        t('corral.dev/role', 'Equal', 'gpu'),
        t('nvidia.com/gpu', 'Exists', undefined),
      ],
    ],
  ];
  it.each(cases)("given %s, adds its tolerations after the user's", (_what, placement, expected) => {
    const user = {
      key: 'node.kubernetes.io/not-ready',
      operator: 'Exists',
      effect: 'NoExecute',
      tolerationSeconds: 300,
    };
    const out = placed({ tolerations: [user] }, placement);
    expect(out['tolerations']).toEqual([user, ...expected]);
  });

  it('given the toleration already written by the user (operator defaulted), does not duplicate it', () => {
    const own = { key: 'corral.dev/department', value: 'finance', effect: 'NoSchedule' };
    expect(placed({ tolerations: [own] }, base)['tolerations']).toEqual([own]);
  });
});

describe('carriesGpuRequest', () => {
  const cases: [string, Record<string, unknown>, boolean][] = [
    ['a GPU limit', { containers: [{ resources: { limits: { 'nvidia.com/gpu': '1' } } }] }, true],
    [
      'a GPU request in an init container',
      { initContainers: [{ resources: { requests: { 'nvidia.com/gpu': 2 } } }] },
      true,
    ],
    ['zero GPUs', { containers: [{ resources: { limits: { 'nvidia.com/gpu': '0' } } }] }, false],
    ['cpu only', { containers: [{ resources: { limits: { cpu: '1' } } }] }, false],
    ['no containers', {}, false],
  ];
  it.each(cases)('given %s, returns %s', (_what, spec, expected) => {
    expect(carriesGpuRequest(spec, ['nvidia.com/gpu'])).toBe(expected);
  });
});
