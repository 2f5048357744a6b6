import fc from 'fast-check';
import { checkPolicySet } from './check-policy-set.js';
import { unusableDefaultProblems } from './default-resource-checks.js';
import { validateDepartment, validateNamespacePolicy } from './validate-object.js';

/**
 * The validator reads whatever a policy file or an AdmissionReview holds, so no input may make it
 * throw: a malformed part is a problem naming its field, never a TypeError (which `corral check`
 * printed as "Cannot read properties of undefined (reading 'split')", with no object or field).
 */

const department = {
  apiVersion: 'corral.dev/v1alpha1',
  kind: 'Department',
  metadata: { name: 'finance', labels: { team: 'a' } },
  spec: {
    namespaceSelector: {
      matchLabels: { 'corral.dev/department': 'finance' },
      matchExpressions: [{ key: 'tier', operator: 'In', values: ['prod'] }],
    },
    nodeIsolation: 'dedicated',
    quota: { hard: { 'requests.cpu': '64', pods: 500, 'requests.nvidia.com/gpu': '8' } },
    images: { allowedRegistries: ['harbor.example.com/finance/', 'harbor.example.com/library/'] },
    storage: { pool: 'rbd', radosNamespace: 'finance' },
  },
};

const policy = {
  apiVersion: 'corral.dev/v1alpha1',
  kind: 'NamespacePolicy',
  metadata: { name: 'policy', namespace: 'finance-prod' },
  spec: {
    enforcement: 'enforce',
    defaults: {
      requests: { cpu: '100m', memory: '128Mi', 'nvidia.com/gpu': '1' },
      limits: { cpu: '1', memory: '512Mi', 'nvidia.com/gpu': '1' },
    },
    quota: { hard: { 'requests.cpu': '16', pods: '100' } },
    images: {
      allowedRegistries: ['harbor.example.com/finance/payments/'],
      deniedRegistries: ['harbor.example.com/finance/payments/old/'],
      forbidLatestTag: true,
      requireDigest: false,
      pullSecrets: ['harbor-finance'],
    },
    scheduling: {
      spread: [{ labelKey: 'app', topologyKey: 'kubernetes.io/hostname', maxPerDomain: 1 }],
      colocate: [
        {
          selector: {
            matchLabels: { app: 'redis' },
            matchExpressions: [{ key: 'tier', operator: 'Exists' }],
          },
          weight: 5,
        },
      ],
    },
  },
};

type Json = unknown;

/** Every path (as keys) to a value inside `value`, the root included. */
function pathsOf(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  const here = [prefix];
  if (Array.isArray(value))
    return [...here, ...value.flatMap((item, index) => pathsOf(item, [...prefix, index]))];
  if (typeof value === 'object' && value !== null)
    return [...here, ...Object.entries(value).flatMap(([key, item]) => pathsOf(item, [...prefix, key]))];
  return here;
}

type Edit = { kind: 'set'; value: Json } | { kind: 'delete' };

/** `value` with the part at `path` replaced or removed. */
function edited(value: Json, path: readonly (string | number)[], edit: Edit): Json {
  const [head, ...rest] = path;
  if (head === undefined) return edit.kind === 'set' ? edit.value : undefined;
  if (Array.isArray(value)) {
    const copy = [...value];
    if (rest.length === 0 && edit.kind === 'delete') copy.splice(Number(head), 1);
    else copy[Number(head)] = edited(copy[Number(head)], rest, edit);
    return copy;
  }
  const record = { ...(value as Record<string, Json>) };
  if (rest.length === 0 && edit.kind === 'delete') delete record[String(head)];
  else record[String(head)] = edited(record[String(head)], rest, edit);
  return record;
}

const strange: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom(null, undefined, '', 0, -1, 1.5, true, [], {}, [null], { '': null }, 'In', 'x y'),
  fc.jsonValue({ maxDepth: 2 }),
);

const edit: fc.Arbitrary<Edit> = fc.oneof(
  strange.map((value) => ({ kind: 'set' as const, value })),
  fc.constant({ kind: 'delete' as const }),
);

/** Runs the checks a policy file goes through (object, then defaults and the set when valid). */
function check(kind: 'Department' | 'NamespacePolicy', object: Json): void {
  if (kind === 'Department') {
    const result = validateDepartment(object, 'fuzz.yaml');
    if (!result.ok) return expectNamedProblems(result.problems);
    checkPolicySet({ departments: [result.value], policies: [], namespaces: [] });
    return;
  }
  const result = validateNamespacePolicy(object, 'fuzz.yaml');
  if (!result.ok) return expectNamedProblems(result.problems);
  unusableDefaultProblems(result.value);
  checkPolicySet({ departments: [], policies: [result.value], namespaces: [] });
}

function expectNamedProblems(problems: readonly { field: string; message: string }[]): void {
  expect(problems.length).toBeGreaterThan(0);
  for (const problem of problems) {
    expect(problem.field === '' || problem.field.startsWith('/')).toBe(true);
    expect(problem.message).not.toBe('');
  }
}

const regressions: [
  name: string,
  kind: 'Department' | 'NamespacePolicy',
  path: (string | number)[],
  edit: Edit,
][] = [
  [
    'a selector requirement without key',
    'Department',
    ['spec', 'namespaceSelector', 'matchExpressions', 0, 'key'],
    { kind: 'delete' },
  ],
  [
    'a selector requirement whose key is a number',
    'Department',
    ['spec', 'namespaceSelector', 'matchExpressions', 0, 'key'],
    { kind: 'set', value: 5 },
  ],
  [
    'selector values that are a string',
    'Department',
    ['spec', 'namespaceSelector', 'matchExpressions', 0, 'values'],
    { kind: 'set', value: 'x' },
  ],
  [
    'matchExpressions that are an object',
    'Department',
    ['spec', 'namespaceSelector'],
    { kind: 'set', value: { matchExpressions: {} } },
  ],
  [
    'a null selector requirement',
    'Department',
    ['spec', 'namespaceSelector'],
    { kind: 'set', value: { matchExpressions: [null] } },
  ],
  ['a Department without metadata', 'Department', ['metadata'], { kind: 'delete' }],
  [
    'a null quantity in defaults',
    'NamespacePolicy',
    ['spec', 'defaults', 'requests', 'cpu'],
    { kind: 'set', value: null },
  ],
  [
    'a list as a quantity in defaults',
    'NamespacePolicy',
    ['spec', 'defaults', 'limits', 'nvidia.com/gpu'],
    { kind: 'set', value: ['1'] },
  ],
  [
    'a colocate requirement without key',
    'NamespacePolicy',
    ['spec', 'scheduling', 'colocate', 0, 'selector', 'matchExpressions', 0, 'key'],
    { kind: 'delete' },
  ],
];

describe('validateDepartment and validateNamespacePolicy with malformed parts', () => {
  it.each(regressions)('given %s, report problems and do not throw', (_name, kind, path, change) => {
    const object = edited(kind === 'Department' ? department : policy, path, change);
    expect(() => check(kind, object)).not.toThrow();
  });

  it('given a selector operator the schema refuses, report only that, not a values rule of no operator', () => {
    const object = edited(department, ['spec', 'namespaceSelector', 'matchExpressions', 0, 'operator'], {
      kind: 'set',
      value: 'in',
    });
    const result = validateDepartment(object);
    expect(result.ok ? [] : result.problems.map((problem) => [problem.field, problem.message])).toEqual([
      [
        '/spec/namespaceSelector/matchExpressions/0/operator',
        'must be one of In, NotIn, Exists, DoesNotExist, got "in"',
      ],
    ]);
  });

  it.each([
    ['Department', department],
    ['NamespacePolicy', policy],
  ] as const)(
    'given a %s with any two parts replaced or removed, never throw and name a field for every problem',
    (kind, valid) => {
      const paths = pathsOf(valid);
      fc.assert(
        fc.property(
          fc.constantFrom(...paths),
          edit,
          fc.constantFrom(...paths),
          edit,
          (path, change, path2, change2) => {
            check(kind, edited(edited(valid, path, change), path2, change2));
          },
        ),
        { numRuns: 2000 },
      );
    },
  );
});
