import { validateNamespacePolicy } from './validate-object.js';
import type { PolicyProblem } from './problem.js';

function policyWith(scheduling: unknown): Record<string, unknown> {
  return {
    apiVersion: 'corral.dev/v1alpha1',
    kind: 'NamespacePolicy',
    metadata: { name: 'policy', namespace: 'finance-prod' },
    spec: { scheduling },
  };
}

function spreadPolicy(labelKey: unknown, topologyKey: unknown): Record<string, unknown> {
  return policyWith({ spread: [{ labelKey, topologyKey, maxPerDomain: 1 }] });
}

function problemsOf(obj: unknown): PolicyProblem[] {
  const result = validateNamespacePolicy(obj, 'cluster');
  return result.ok ? [] : result.problems;
}

const longName = 'a'.repeat(63);
const longPrefix = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`; // 253

describe('spread rule keys', () => {
  const valid: string[] = [
    'app',
    'kubernetes.io/hostname',
    'topology.kubernetes.io/zone',
    'app.kubernetes.io/name',
    'A_b.c-D',
    'x',
    longName,
    `${longPrefix}/${longName}`,
  ];

  it.each(valid)('given the valid key %s in both places, reports nothing', (key) => {
    expect(problemsOf(spreadPolicy(key, key))).toEqual([]);
  });

  const invalid: [key: string, message: RegExp][] = [
    ['-app', /^label key "-app": the name part must be 1 to 63 characters/],
    ['app-', /^label key "app-": the name part/],
    ['_app', /^label key "_app": the name part/],
    ['app name', /^label key "app name": the name part/],
    ['app=web', /^label key "app=web": the name part/],
    ['a/b/c', /^label key "a\/b\/c" may contain at most one '\/'/],
    ['app/', /^label key "app\/": the name part must be 1 to 63 characters/],
    ['/app', /^label key prefix "" must be a lower-case DNS subdomain/],
    ['Example.com/app', /^label key prefix "Example.com" must be a lower-case DNS subdomain/],
    ['example_com/app', /^label key prefix "example_com" must be a lower-case DNS subdomain/],
    ['-example.com/app', /^label key prefix "-example.com"/],
    [`${longName}b`, /the name part must be 1 to 63 characters/],
    [`${longPrefix}a/app`, /must be a lower-case DNS subdomain of at most 253 characters/],
    ['kubernetes.io/host name', /^label key "kubernetes.io\/host name": the name part/],
  ];

  it.each(invalid)('given the labelKey %j, refuses it at the labelKey field', (key, message) => {
    const problems = problemsOf(spreadPolicy(key, 'kubernetes.io/hostname'));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({
      source: 'cluster',
      kind: 'NamespacePolicy',
      namespace: 'finance-prod',
      name: 'policy',
      field: '/spec/scheduling/spread/0/labelKey',
    });
    expect(problems[0]?.message).toMatch(message);
    expect(problems[0]?.message).toMatch(/\(no pod can carry such a label\)$/);
  });

  it.each(invalid)('given the topologyKey %j, refuses it at the topologyKey field', (key, message) => {
    const problems = problemsOf(spreadPolicy('app', key));
    expect(problems).toHaveLength(1);
    expect(problems[0]?.field).toBe('/spec/scheduling/spread/0/topologyKey');
    expect(problems[0]?.message).toMatch(message);
    expect(problems[0]?.message).toMatch(/\(no node can carry such a label\)$/);
  });

  it('given both keys broken in several rules, reports each at its own field', () => {
    const obj = policyWith({
      spread: [
        { labelKey: 'app', topologyKey: 'zone', maxPerDomain: 1 },
        { labelKey: 'bad key', topologyKey: 'Zone.io/x', maxPerDomain: 2 },
      ],
    });
    expect(problemsOf(obj).map((problem) => problem.field)).toEqual([
      '/spec/scheduling/spread/1/labelKey',
      '/spec/scheduling/spread/1/topologyKey',
    ]);
  });

  it('given a key the schema already refuses, reports the schema problem only', () => {
    const empty = problemsOf(spreadPolicy('', 'zone'));
    expect(empty.map((problem) => problem.field)).toEqual(['/spec/scheduling/spread/0/labelKey']);
    expect(empty[0]?.message).not.toMatch(/label key/);
    const number = problemsOf(spreadPolicy('app', 7));
    expect(number.map((problem) => problem.field)).toEqual(['/spec/scheduling/spread/0/topologyKey']);
    expect(number[0]?.message).not.toMatch(/label key/);
  });

  it('given a null spread entry, reports it and still checks the other rules', () => {
    const obj = policyWith({ spread: [null, { labelKey: 'a b', topologyKey: 'zone', maxPerDomain: 1 }] });
    expect(problemsOf(obj).map((problem) => problem.field)).toEqual([
      '/spec/scheduling/spread/0',
      '/spec/scheduling/spread/1/labelKey',
    ]);
  });

  it('given a broken key repeated, reports the key problems and the repeat', () => {
    const rule = { labelKey: 'a b', topologyKey: 'zone', maxPerDomain: 1 };
    expect(problemsOf(policyWith({ spread: [rule, rule] })).map((problem) => problem.field)).toEqual([
      '/spec/scheduling/spread/0/labelKey',
      '/spec/scheduling/spread/1/labelKey',
      '/spec/scheduling/spread/1',
    ]);
  });
});

describe('colocate rules', () => {
  it('given a bad key in a matchExpressions term, refuses it at the key field', () => {
    const obj = policyWith({
      colocate: [{ selector: { matchExpressions: [{ key: 'a/b/c', operator: 'Exists' }] }, weight: 1 }],
    });
    const problems = problemsOf(obj);
    expect(problems.map((problem) => problem.field)).toEqual([
      '/spec/scheduling/colocate/0/selector/matchExpressions/0/key',
    ]);
    expect(problems[0]?.message).toMatch(/at most one '\/'/);
  });
});
