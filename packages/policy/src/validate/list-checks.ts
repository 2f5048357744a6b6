import type { FieldProblem, SchemaGuard } from './field-problem.js';
import { joinPointer } from './json-pointer.js';

/**
 * Entries of a list at `pointer` that repeat an earlier one, compared by `keyOf` (e.g. a normalized
 * registry prefix). The problem sits on the repeat and names the first.
 */
export function duplicateProblems<T>(
  list: readonly T[] | undefined,
  pointer: string,
  guard: SchemaGuard,
  keyOf: (item: T) => string,
  describe: (item: T) => string = (item) => JSON.stringify(item),
): FieldProblem[] {
  if (list === undefined || !guard.isSound(pointer)) return [];
  const firstIndex = new Map<string, number>();
  return list.flatMap((item, index) => {
    const field = joinPointer(pointer, index);
    if (!guard.isSound(field)) return [];
    const key = keyOf(item);
    const first = firstIndex.get(key);
    if (first === undefined) {
      firstIndex.set(key, index);
      return [];
    }
    return [{ field, message: `${describe(item)} repeats entry ${first}; remove one` }];
  });
}
