import { registryPrefixProblem } from '../registry/registry-prefix.js';
import type { FieldProblem, SchemaGuard } from './field-problem.js';
import { joinPointer } from './json-pointer.js';

/** Registry prefixes at `pointer` that could never match an image (no registry host, bad port). */
export function registryPrefixProblems(
  list: readonly string[] | undefined,
  pointer: string,
  guard: SchemaGuard,
): FieldProblem[] {
  if (list === undefined || !guard.isSound(pointer)) return [];
  return list.flatMap((prefix, index) => {
    const field = joinPointer(pointer, index);
    const problem = guard.isSound(field) ? registryPrefixProblem(prefix) : undefined;
    return problem === undefined ? [] : [{ field, message: problem }];
  });
}
