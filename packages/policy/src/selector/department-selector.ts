import type { LabelSelector } from '../schema/common.js';
import { DEPARTMENT_LABEL, type Department } from '../schema/department.js';
import { selectorMatches, type Labels } from './label-selector.js';

/** The namespaces a department claims: its namespaceSelector, or by default the department label. */
export function departmentNamespaceSelector(
  department: Pick<Department, 'metadata' | 'spec'>,
): LabelSelector {
  return (
    department.spec.namespaceSelector ?? { matchLabels: { [DEPARTMENT_LABEL]: department.metadata.name } }
  );
}

export function departmentClaimsNamespace(
  department: Pick<Department, 'metadata' | 'spec'>,
  namespaceLabels: Labels | undefined,
): boolean {
  return selectorMatches(departmentNamespaceSelector(department), namespaceLabels);
}
