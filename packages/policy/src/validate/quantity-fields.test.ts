import { validateNamespacePolicy } from './validate-object.js';

function quotaPolicy(value: unknown): Record<string, unknown> {
  return {
    apiVersion: 'corral.dev/v1alpha1',
    kind: 'NamespacePolicy',
    metadata: { name: 'policy', namespace: 'finance-prod' },
    spec: { quota: { hard: { 'requests.cpu': value } } },
  };
}

function messagesAt(value: unknown): string[] {
  const result = validateNamespacePolicy(quotaPolicy(value));
  if (result.ok) return [];
  return result.problems
    .filter((problem) => problem.field === '/spec/quota/hard/requests.cpu')
    .map((problem) => problem.message);
}

// A policy quantity must pass the CRD's pattern (what kube-apiserver checks on the custom resource)
// and parse as apimachinery parses it. The pattern is stricter than the parser: these messages say
// what to change.
describe('quantities in policy objects', () => {
  const refused: [value: unknown, message: RegExp][] = [
    [' 16', /^invalid quantity " 16": remove the white space around it$/],
    ['16\n', /^invalid quantity "16\\n": remove the white space around it$/],
    ['Gi', /^invalid quantity "Gi": no digits; write 0 if zero is meant$/],
    ['.', /^invalid quantity ".": no digits/],
    ['+', /^invalid quantity "\+": no digits/],
    ['', /^invalid quantity "": empty$/],
    ['1 Gi', /^invalid quantity "1 Gi": expected a number/],
    ['1e1.5', /^invalid quantity "1e1.5": expected a number/],
    ['1e101', /^invalid quantity "1e101": exponent 101 is too large \(at most 100\)$/],
    ['-1', /^must not be negative, got "-1"$/],
    [-1, /^must not be negative, got -1$/],
    [1.5, /quote it: "1.5"$/],
  ];

  it.each(refused)('given %j, refuses it with a message that says why', (value, message) => {
    const messages = messagesAt(value);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(message);
  });

  const accepted: unknown[] = ['16', '1e21', '1000E', '8Ei', '.5', '5.', '+5', '1.G', '0.000000001n', 16];

  it.each(accepted)('given %j, accepts it', (value) => {
    expect(validateNamespacePolicy(quotaPolicy(value)).ok).toBe(true);
  });
});
