import type { Department } from '../schema/department.js';
import { departmentClaimsNamespace, departmentNamespaceSelector } from './department-selector.js';

function department(name: string, spec: Department['spec'] = {}): Pick<Department, 'metadata' | 'spec'> {
  return { metadata: { name }, spec };
}

describe('departmentNamespaceSelector', () => {
  it('given no namespaceSelector, returns the department label selector', () => {
    expect(departmentNamespaceSelector(department('finance'))).toEqual({
      matchLabels: { 'corral.dev/department': 'finance' },
    });
  });

  it('given a namespaceSelector, returns it as written', () => {
    const selector = { matchLabels: { team: 'money' } };
    expect(departmentNamespaceSelector(department('finance', { namespaceSelector: selector }))).toBe(
      selector,
    );
  });
});

describe('departmentClaimsNamespace', () => {
  const cases: [
    name: string,
    spec: Department['spec'],
    labels: Record<string, string> | undefined,
    expected: boolean,
  ][] = [
    ['default selector, labelled', {}, { 'corral.dev/department': 'finance' }, true],
    ['default selector, other department', {}, { 'corral.dev/department': 'hr' }, false],
    ['default selector, no labels', {}, undefined, false],
    [
      'custom selector, matching',
      { namespaceSelector: { matchLabels: { team: 'money' } } },
      { team: 'money' },
      true,
    ],
    [
      'custom selector replaces the default',
      { namespaceSelector: { matchLabels: { team: 'money' } } },
      { 'corral.dev/department': 'finance' },
      false,
    ],
    ['empty custom selector claims every namespace', { namespaceSelector: {} }, {}, true],
  ];

  it.each(cases)('given %s, returns %s', (_name, spec, labels, expected) => {
    expect(departmentClaimsNamespace(department('finance', spec), labels)).toBe(expected);
  });
});
