/** Two-level counters (`outer → inner → count`) whose empty entries are deleted, so maps compare exactly. */
export type NestedCounts = Map<string, Map<string, number>>;

export const EMPTY_COUNTS: ReadonlyMap<string, number> = new Map();

export function bump(counts: NestedCounts, outer: string, inner: string, delta: number): void {
  let map = counts.get(outer);
  if (!map) {
    map = new Map();
    counts.set(outer, map);
  }
  const next = (map.get(inner) ?? 0) + delta;
  if (next === 0) map.delete(inner);
  else map.set(inner, next);
  if (map.size === 0) counts.delete(outer);
}
