import { envNameOf, type SchemaIndex } from './schema-leaves.js';
import type { SourceResult } from './types.js';

/**
 * The variables Kubernetes gives every pod for each Service of its namespace (service links, on by
 * default): `<SERVICE>_SERVICE_HOST`, `<SERVICE>_SERVICE_PORT[_<port name>]`, `<SERVICE>_PORT` and
 * `<SERVICE>_PORT_<port>_<PROTO>[_PROTO|_PORT|_ADDR]`. A Service whose name starts like a service's
 * prefix (`corral-admission`, `corral-admission-metrics` → `CORRAL_ADMISSION_`) puts them under that
 * prefix: `rest` is what follows it.
 */
const SERVICE_LINK =
  /^([A-Z0-9_]+_)?(SERVICE_HOST|SERVICE_PORT(_[A-Z0-9_]+)?|PORT(_\d+_(TCP|UDP|SCTP)(_(PROTO|PORT|ADDR))?)?)$/;

export const isServiceLink = (rest: string): boolean => SERVICE_LINK.test(rest);

/**
 * Given the environment passed in by the caller, returns one assignment per set option variable
 * (`<prefix><PATH_IN_SNAKE_CASE>`) and, when `rejectUnknown`, a problem per prefixed variable that names
 * no option (a typo would otherwise be silently ignored), except Kubernetes' service-link variables
 * (isServiceLink), which name no option and are set in every pod of a namespace with such a Service.
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
    else if (options.rejectUnknown && !isServiceLink(name.slice(prefix.length)))
      problems.push(`env ${name}: no such setting`);
  }
  return { assignments, problems };
}
