import type { LabelSelector, LabelSelectorRequirement } from '../schema/common.js';
import { selectorProblems } from '../selector/label-selector.js';
import type { FieldProblem, SchemaGuard } from './field-problem.js';
import { joinPointer } from './json-pointer.js';
import { labelKeyProblem, labelValueProblem } from './label-names.js';

/**
 * Mistakes in a label selector at `pointer`: label keys and values Kubernetes would refuse, and
 * operator/values mismatches (In/NotIn need values, Exists/DoesNotExist take none).
 */
export function selectorFieldProblems(
  selector: LabelSelector | undefined,
  pointer: string,
  guard: SchemaGuard,
): FieldProblem[] {
  if (selector === undefined || !guard.isSound(pointer)) return [];
  return [...matchLabelsProblems(selector, pointer, guard), ...expressionsProblems(selector, pointer, guard)];
}

function matchLabelsProblems(selector: LabelSelector, pointer: string, guard: SchemaGuard): FieldProblem[] {
  const base = joinPointer(pointer, 'matchLabels');
  if (!guard.isSound(base)) return [];
  return Object.entries(selector.matchLabels ?? {}).flatMap(([key, value]) => {
    const field = joinPointer(base, key);
    if (!guard.isSound(field)) return [];
    return [labelKeyProblem(key), labelValueProblem(value)].flatMap((message) =>
      message === undefined ? [] : [{ field, message }],
    );
  });
}

function expressionsProblems(selector: LabelSelector, pointer: string, guard: SchemaGuard): FieldProblem[] {
  const base = joinPointer(pointer, 'matchExpressions');
  if (!guard.isSound(base)) return [];
  return (selector.matchExpressions ?? []).flatMap((requirement, index) => {
    const field = joinPointer(base, index);
    return guard.isSound(field) ? requirementProblems(requirement, field, guard) : [];
  });
}

function requirementProblems(
  requirement: LabelSelectorRequirement,
  field: string,
  guard: SchemaGuard,
): FieldProblem[] {
  // Each part is read only where the schema accepted it (a missing key, a values string).
  const sound = (part: string) => guard.isSound(joinPointer(field, part));
  const keyProblem = sound('key') ? labelKeyProblem(requirement.key) : undefined;
  const values = sound('values') ? (requirement.values ?? []) : [];
  const valueProblems = values.flatMap((value, index) => {
    const at = joinPointer(field, 'values', index);
    const problem = guard.isSound(at) ? labelValueProblem(value) : undefined;
    return problem === undefined ? [] : [{ field: at, message: problem }];
  });
  // An operator the schema refused has no values rule to check ("operator in takes no values").
  const operatorProblems =
    sound('operator') && sound('values')
      ? selectorProblems({ matchExpressions: [requirement] }).map((text) => ({
          field,
          message: text.replace(/^matchExpressions\[\d+\]: /, ''),
        }))
      : [];
  return [
    ...(keyProblem === undefined ? [] : [{ field: joinPointer(field, 'key'), message: keyProblem }]),
    ...valueProblems,
    ...operatorProblems,
  ];
}

/** Does a selector select everything (no labels and no expressions)? */
export function isEmptySelector(selector: LabelSelector): boolean {
  return (
    Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0
  );
}

/**
 * Does a selector require no label to be present (no matchLabels, no In, no Exists)? Then it selects
 * every namespace without the labels it names, kube-system included.
 */
export function hasNoPositiveTerm(selector: LabelSelector): boolean {
  return (
    Object.keys(selector.matchLabels ?? {}).length === 0 &&
    (selector.matchExpressions ?? []).every(
      (requirement) => requirement.operator === 'NotIn' || requirement.operator === 'DoesNotExist',
    )
  );
}
