import { normalizeRegistryPrefix } from '../registry/registry-prefix.js';
import type { LabelSelector } from '../schema/common.js';
import { DEPARTMENT_LABEL, type Department } from '../schema/department.js';
import type { FieldProblem, SchemaGuard } from './field-problem.js';
import { joinPointer } from './json-pointer.js';
import { duplicateProblems } from './list-checks.js';
import { registryPrefixProblems } from './registry-checks.js';
import { hasNoPositiveTerm, isEmptySelector, selectorFieldProblems } from './selector-checks.js';
import { resourceMapProblems } from './resource-map-checks.js';
import { isWholeUnitQuotaKey, quotaKeyProblem } from './resource-names.js';

/** A label value: at most 63 characters, alphanumeric at both ends, `-_.` inside. */
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/**
 * What a schema cannot say about one Department. The object may have failed the schema: each check
 * reads a part only once `guard` calls it sound, and reaches into optional parts with `?.`.
 */
export function departmentProblems(department: Department, guard: SchemaGuard): FieldProblem[] {
  if (!guard.isSound('')) return [];
  return [
    ...(guard.isSound('/metadata') ? metadataProblems(department, guard) : []),
    ...(guard.isSound('/spec') ? specProblems(department, guard) : []),
  ];
}

function specProblems(department: Department, guard: SchemaGuard): FieldProblem[] {
  const spec = department.spec;
  return [
    ...namespaceSelectorProblems(department, guard),
    ...resourceMapProblems(spec.quota?.hard, '/spec/quota/hard', guard, {
      keyProblem: quotaKeyProblem,
      wholeUnits: isWholeUnitQuotaKey,
    }),
    ...duplicateProblems(spec.images?.allowedRegistries, '/spec/images/allowedRegistries', guard, (prefix) =>
      normalizeRegistryPrefix(prefix),
    ),
    ...registryPrefixProblems(spec.images?.allowedRegistries, '/spec/images/allowedRegistries', guard),
  ];
}

function metadataProblems(department: Department, guard: SchemaGuard): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (guard.isSound('/metadata/namespace') && department.metadata.namespace !== undefined) {
    problems.push({
      field: '/metadata/namespace',
      message: 'a Department is cluster-scoped: remove metadata.namespace',
    });
  }
  const name = department.metadata.name;
  if (guard.isSound('/metadata/name') && (name.length > 63 || !LABEL_VALUE.test(name))) {
    problems.push({
      field: '/metadata/name',
      message:
        `the name is used as the ${DEPARTMENT_LABEL} label value on namespaces and nodes, so it must be at most ` +
        "63 characters, start and end with a letter or digit and contain only letters, digits, '-', '_' and '.'",
    });
  }
  return problems;
}

function namespaceSelectorProblems(department: Department, guard: SchemaGuard): FieldProblem[] {
  const pointer = '/spec/namespaceSelector';
  const selector = department.spec.namespaceSelector;
  if (selector === undefined || !guard.isSound(pointer)) return [];
  // Whether it selects too much is read from both lists, so only once the schema accepted them.
  const expressions = `${pointer}/matchExpressions`;
  const readable =
    guard.isSound(`${pointer}/matchLabels`) &&
    guard.isSound(expressions) &&
    (selector.matchExpressions ?? []).every((_, index) => guard.isSound(joinPointer(expressions, index)));
  const name = guard.isSound('/metadata/name') ? department.metadata.name : '<name>';
  return [
    ...(readable ? broadSelectorProblems(selector, pointer, name) : []),
    ...selectorFieldProblems(selector, pointer, guard),
  ];
}

/** A namespaceSelector that would claim every namespace (or every unlabelled one), kube-system included. */
function broadSelectorProblems(selector: LabelSelector, pointer: string, name: string): FieldProblem[] {
  const instead = `or omit it to use ${DEPARTMENT_LABEL}=${name}`;
  const everything = 'kube-system included; give it matchLabels or an In/Exists term';
  if (isEmptySelector(selector)) {
    return [
      {
        field: pointer,
        message: `an empty namespaceSelector selects every namespace, ${everything}, ${instead}`,
      },
    ];
  }
  if (!hasNoPositiveTerm(selector)) return [];
  return [
    {
      field: pointer,
      message:
        'a namespaceSelector with only NotIn/DoesNotExist terms selects every namespace without those ' +
        `labels, ${everything}, ${instead}`,
    },
  ];
}
