import type { LabelSelector, LabelSelectorRequirement } from '../schema/common.js';

export type Labels = Readonly<Record<string, string>>;

/** Does a set of labels satisfy a Kubernetes label selector? An empty selector matches everything. */
export function selectorMatches(selector: LabelSelector, labels: Labels | undefined): boolean {
  const own = labels ?? {};
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (own[key] !== value) return false;
  }
  return (selector.matchExpressions ?? []).every((requirement) => requirementMatches(requirement, own));
}

function requirementMatches(requirement: LabelSelectorRequirement, labels: Labels): boolean {
  const present = Object.hasOwn(labels, requirement.key);
  const value = labels[requirement.key];
  const values = requirement.values ?? [];
  switch (requirement.operator) {
    case 'In':
      return present && value !== undefined && values.includes(value);
    case 'NotIn':
      return !present || value === undefined || !values.includes(value);
    case 'Exists':
      return present;
    case 'DoesNotExist':
      return !present;
  }
}

/** Why a selector is not valid as Kubernetes defines it (In/NotIn need values, Exists/DoesNotExist none). */
export function selectorProblems(selector: LabelSelector): string[] {
  return (selector.matchExpressions ?? []).flatMap((requirement, index) => {
    const count = requirement.values?.length ?? 0;
    const needsValues = requirement.operator === 'In' || requirement.operator === 'NotIn';
    if (needsValues && count === 0)
      return [`matchExpressions[${index}]: operator ${requirement.operator} needs values`];
    if (!needsValues && count > 0)
      return [`matchExpressions[${index}]: operator ${requirement.operator} takes no values`];
    return [];
  });
}
