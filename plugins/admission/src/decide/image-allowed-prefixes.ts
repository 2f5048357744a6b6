import { registryPrefixCovers } from '@corral/policy';

/**
 * The prefixes an image may come from when it must match both the department's allowed list and
 * the namespace's: for each pair where one covers the other, the narrower (of two alike, the one
 * ending in `/`, which leaves out the repository of its own name). A namespace's list normally lies
 * inside its department's (policy validation sees to it), but not after the department narrows or
 * the namespace moves: a refusal then names only prefixes that would admit the image.
 * Undefined when neither list restricts anything.
 */
export function allowedInBoth(
  department: readonly string[] | undefined,
  namespace: readonly string[] | undefined,
): readonly string[] | undefined {
  if (department === undefined || namespace === undefined) return department ?? namespace;
  const both = new Set<string>();
  for (const inner of namespace) {
    for (const outer of department) {
      const narrower = narrowerOf(outer, inner);
      if (narrower !== undefined) both.add(narrower);
    }
  }
  return [...both];
}

function narrowerOf(a: string, b: string): string | undefined {
  const aCoversB = registryPrefixCovers(a, b);
  const bCoversA = registryPrefixCovers(b, a);
  if (aCoversB && bCoversA) return a.trim().endsWith('/') ? a : b;
  if (aCoversB) return b;
  return bCoversA ? a : undefined;
}
