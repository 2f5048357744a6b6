import { envNameOf, type SchemaIndex } from './schema-leaves.js';
import { isServiceLink } from './service-link.js';
import type { SourceResult } from './types.js';

/**
 * Given the environment passed in by the caller, returns one assignment per set option variable
 * (`<prefix><PATH_IN_SNAKE_CASE>`) and, when `rejectUnknown`, a problem per prefixed variable that names
 * no option (a typo would otherwise be silently ignored), except Kubernetes' service-link variables
 * (isServiceLink: named and valued as kubelet writes them), which name no option and are set in every
 * pod of a namespace with such a Service.
 * Empty values count as unset.
 */
export function readEnv(
  env: Readonly<Record<string, string | undefined>>,
  prefix: string,
  index: SchemaIndex,
  options: { readonly rejectUnknown: boolean; readonly reserved: readonly string[] },
): SourceResult {
  const byName = new Map([...index.leaves.values()].map((leaf) => [envNameOf(prefix, leaf.path), leaf.key]));
  const assignments = [];
  const problems = [];
  for (const [name, raw] of Object.entries(env).sort(([a], [b]) => a.localeCompare(b))) {
    if (!name.startsWith(prefix) || raw === undefined || raw === '' || options.reserved.includes(name))
      continue;
    const key = byName.get(name);
    if (key !== undefined) assignments.push({ key, raw, source: `env ${name}` });
    else if (options.rejectUnknown && !isServiceLink(name.slice(prefix.length), raw))
      problems.push(`env ${name}: no such setting`);
  }
  return { assignments, problems };
}
