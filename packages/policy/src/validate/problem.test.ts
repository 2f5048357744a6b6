import { describeProblem } from './problem.js';

describe('describeProblem', () => {
  it('given a field of an object, names the source, the object and the field', () => {
    const problem = {
      source: 'policies/finance.yaml (document 2)',
      kind: 'NamespacePolicy',
      namespace: 'finance-prod',
      name: 'policy',
      field: '/spec/quota/hard/pods',
      message: 'must be a whole number',
    };
    expect(describeProblem(problem)).toBe(
      'policies/finance.yaml (document 2): NamespacePolicy finance-prod/policy: /spec/quota/hard/pods: ' +
        'must be a whole number',
    );
    expect(describeProblem({ ...problem, namespace: undefined, field: '' })).toBe(
      'policies/finance.yaml (document 2): NamespacePolicy policy: /: must be a whole number',
    );
  });

  it('given a whole file or document (no object yet), names it once, with the reason', () => {
    const file = { source: '/p', kind: '(file)', name: '/p', field: '', message: 'cannot read: ENOENT' };
    expect(describeProblem(file)).toBe('/p: cannot read: ENOENT');
    expect(describeProblem({ ...file, source: undefined })).toBe('/p: cannot read: ENOENT');
    const document = { source: 'a.yaml (document 3)', kind: '(document)', name: '(unparsed)', field: '' };
    expect(describeProblem({ ...document, message: 'bad indentation' })).toBe(
      'a.yaml (document 3): bad indentation',
    );
  });
});
