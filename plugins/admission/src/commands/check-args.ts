import { parseArgs } from 'node:util';
import { STDIN } from '@corral/runtime';
import { DEFAULT_RULE_SETTINGS, type RuleSettings } from '../decide/settings.js';

export const CHECK_USAGE =
  'usage: corral check -f MANIFESTS [-f MORE] --policies PATH [-n NAMESPACE]\n' +
  '                    [--system-namespaces a,b] [--gpu-resources r,s] [--scheduler-name NAME]';

export const CHECK_HELP = `${CHECK_USAGE}

What Corral's admission webhooks would do to each object of MANIFESTS (files or folders of YAML/JSON),
offline, against the policies in PATH: the patch of the mutating webhook, then the validating
webhook's verdict. Objects are checked in order, as if created one after the other: a Namespace,
Department or NamespacePolicy admitted earlier counts for the objects after it.

  -f, --file MANIFESTS        a manifest file or folder (repeatable); - reads standard input
      --policies PATH         the policies (Nodes, Namespaces, Departments, NamespacePolicies, ...)
  -n, --namespace NS          namespace of the objects that name none (default: default)
      --system-namespaces a,b namespaces the webhooks never act on (default: ${DEFAULT_RULE_SETTINGS.systemNamespaces.join(',')})
      --gpu-resources r,s     extended resources that make a pod a GPU workload (default: ${DEFAULT_RULE_SETTINGS.gpuResources.join(',')})
      --scheduler-name NAME   the scheduler that calls the extender (default: ${DEFAULT_RULE_SETTINGS.schedulerName})
  -h, --help                  this text

Exit 0 when every object is admitted, 1 when one is denied, 2 for bad input or usage.
`;

export interface CheckArgs {
  readonly files: readonly string[];
  readonly policies: string;
  readonly namespace: string;
  readonly settings: RuleSettings;
}

export type ParsedCheckArgs =
  | { readonly kind: 'help' }
  | { readonly kind: 'error'; readonly message: string }
  | { readonly kind: 'ok'; readonly args: CheckArgs };

const OPTIONS = {
  file: { type: 'string', short: 'f', multiple: true },
  policies: { type: 'string', multiple: true },
  namespace: { type: 'string', short: 'n', multiple: true },
  'system-namespaces': { type: 'string', multiple: true },
  'gpu-resources': { type: 'string', multiple: true },
  'scheduler-name': { type: 'string', multiple: true },
  help: { type: 'boolean', short: 'h' },
} as const;

type SingleFlag = 'policies' | 'namespace' | 'scheduler-name';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

class UsageError extends Error {}

/** The manifest name that stands for standard input, as with kubectl (`-f -`). */
export { STDIN };

/** The one value of a flag that may be given once; undefined when not given. */
function once(values: Record<string, unknown>, flag: SingleFlag): string | undefined {
  const given = values[flag] as string[] | undefined;
  if (given !== undefined && given.length > 1)
    throw new UsageError(`--${flag} was given ${given.length} times (${given.join(', ')}); give it once`);
  return given?.[0];
}

/** `a,b --flag c` → [a, b, c], as the services read list flags. */
function list(values: Record<string, unknown>, flag: string, fallback: readonly string[]): readonly string[] {
  const given = values[flag] as string[] | undefined;
  if (given === undefined) return fallback;
  const items = given.flatMap((part) => part.split(',').map((s) => s.trim())).filter((s) => s !== '');
  if (items.length === 0) throw new UsageError(`--${flag} needs at least one name`);
  return items;
}

function checked(value: string | undefined, flag: string, pattern: RegExp, max: number): string | undefined {
  if (value === undefined || (value.length <= max && pattern.test(value))) return value;
  throw new UsageError(`--${flag} ${JSON.stringify(value)} is not a valid name (lower case, digits, '-')`);
}

function fromValues(values: Record<string, unknown>): CheckArgs {
  const files = filesOf(values);
  const policies = once(values, 'policies');
  if (files.length === 0) throw new UsageError('-f MANIFESTS is required');
  if (policies === undefined) throw new UsageError('--policies PATH is required');
  if (policies === '') throw new UsageError('--policies needs a file or folder, not ""');
  const namespace = checked(once(values, 'namespace'), 'namespace', DNS_LABEL, 63) ?? 'default';
  const schedulerName = checked(once(values, 'scheduler-name'), 'scheduler-name', DNS_NAME, 253);
  return {
    files,
    policies,
    namespace,
    settings: {
      systemNamespaces: list(values, 'system-namespaces', DEFAULT_RULE_SETTINGS.systemNamespaces),
      gpuResources: list(values, 'gpu-resources', DEFAULT_RULE_SETTINGS.gpuResources),
      schedulerName: schedulerName ?? DEFAULT_RULE_SETTINGS.schedulerName,
      departmentEditors: DEFAULT_RULE_SETTINGS.departmentEditors,
    },
  };
}

/** The manifests to read: `-` (standard input) at most once, as it can be read only once. */
function filesOf(values: Record<string, unknown>): readonly string[] {
  const files = (values['file'] as string[] | undefined) ?? [];
  // `-f=` or `--file ''` (an unset variable in a script) would otherwise read the working directory.
  if (files.includes('')) throw new UsageError('-f needs a file, a folder or - (standard input), not ""');
  if (files.filter((file) => file === STDIN).length > 1)
    throw new UsageError('-f - (standard input) was given more than once; give it once');
  return files;
}

/**
 * `-f=a.yaml` and `-n=web-prod` as kubectl takes them: node's parser would read the value `=a.yaml`.
 * Only before a `--`, and only a short flag with `=` right after its letter.
 */
function splitShortEquals(args: readonly string[]): string[] {
  const end = args.indexOf('--');
  return args.flatMap((arg, index) => {
    const match = /^(-[a-zA-Z])=(.*)$/s.exec(arg);
    return match && (end < 0 || index < end) ? [match[1] as string, match[2] as string] : [arg];
  });
}

/** `-f a.yaml b.yaml` (what `-f *.yaml` becomes in the shell): the file after the first has no -f. */
function strayArgument(positionals: readonly string[]): UsageError {
  const stray = JSON.stringify(positionals[0]);
  return new UsageError(
    `unexpected argument ${stray}: give each manifest its own -f (-f a.yaml -f b.yaml), or -f a folder ` +
      '(a shell glob such as -f *.yaml gives -f only the first file)',
  );
}

/** `corral check`'s flags, pure: help, a usage error with its reason, or what to check. */
export function parseCheckArgs(args: readonly string[]): ParsedCheckArgs {
  if (args.includes('--help') || args.includes('-h')) return { kind: 'help' };
  try {
    const { values, positionals } = parseArgs({
      args: splitShortEquals(args),
      options: OPTIONS,
      strict: true,
      allowPositionals: true,
    });
    if (positionals.length > 0) throw strayArgument(positionals);
    return { kind: 'ok', args: fromValues(values) };
  } catch (err) {
    return { kind: 'error', message: err instanceof Error ? err.message : String(err) };
  }
}
