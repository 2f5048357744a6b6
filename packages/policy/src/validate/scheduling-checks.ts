import type { NamespacePolicySpec, SpreadRule } from '../schema/namespace-policy.js';
import type { FieldProblem, SchemaGuard } from './field-problem.js';
import { joinPointer } from './json-pointer.js';
import { labelKeyProblem } from './label-names.js';
import { duplicateProblems } from './list-checks.js';
import { selectorFieldProblems } from './selector-checks.js';

const SPREAD = '/spec/scheduling/spread';
const COLOCATE = '/spec/scheduling/colocate';

/**
 * What a schema cannot say about `spec.scheduling`: spread rules whose `labelKey` or `topologyKey`
 * is not a Kubernetes label key (no pod or node could ever carry it, so the rule would never
 * group anything), repeated spread rules, and colocate selectors Kubernetes would refuse.
 */
export function schedulingProblems(spec: NamespacePolicySpec, guard: SchemaGuard): FieldProblem[] {
  const spread = spec.scheduling?.spread;
  return [
    ...spreadKeyProblems(spread, guard),
    ...duplicateProblems(
      spread,
      SPREAD,
      guard,
      (rule) => JSON.stringify([rule.labelKey, rule.topologyKey]),
      (rule) => `spread rule (labelKey ${rule.labelKey}, topologyKey ${rule.topologyKey})`,
    ),
    ...colocateProblems(spec, guard),
  ];
}

function spreadKeyProblems(spread: readonly SpreadRule[] | undefined, guard: SchemaGuard): FieldProblem[] {
  if (spread === undefined || !guard.isSound(SPREAD)) return [];
  return spread.flatMap((rule, index) =>
    guard.isSound(joinPointer(SPREAD, index))
      ? [
          ...keyProblem(rule.labelKey, joinPointer(SPREAD, index, 'labelKey'), 'pod', guard),
          ...keyProblem(rule.topologyKey, joinPointer(SPREAD, index, 'topologyKey'), 'node', guard),
        ]
      : [],
  );
}

function keyProblem(key: string, field: string, carrier: 'pod' | 'node', guard: SchemaGuard): FieldProblem[] {
  if (!guard.isSound(field)) return [];
  const problem = labelKeyProblem(key);
  return problem === undefined
    ? []
    : [{ field, message: `${problem} (no ${carrier} can carry such a label)` }];
}

function colocateProblems(spec: NamespacePolicySpec, guard: SchemaGuard): FieldProblem[] {
  const colocate = spec.scheduling?.colocate;
  if (colocate === undefined || !guard.isSound(COLOCATE)) return [];
  return colocate.flatMap((rule, index) =>
    guard.isSound(joinPointer(COLOCATE, index))
      ? selectorFieldProblems(rule.selector, joinPointer(COLOCATE, index, 'selector'), guard)
      : [],
  );
}
