import type { Operation } from 'fast-json-patch';
import type { Decision } from '../decide/decision.js';

/** How `corral check` prints one object's outcome: a readable diff, warnings, denials with the rule. */
export interface CheckedObject {
  readonly source: string;
  /** `Pod finance-prod/payments-api` */
  readonly title: string;
  readonly allowed: boolean;
  readonly patch: readonly Operation[];
  /** The object the patch applies to (as written, before mutation): shows what a patch replaces. */
  readonly before?: unknown;
  readonly decisions: readonly Decision[];
  /** What the reader should know about how the object was checked (unknown namespace, not reviewed). */
  readonly notes?: readonly string[];
}

const show = (value: unknown): string => JSON.stringify(value);

/** The value at a JSON Pointer in `object`, undefined where there is none. */
function valueAt(object: unknown, pointer: string): unknown {
  let current: unknown = object;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

const was = (before: unknown, path: string): string => {
  const old = before === undefined ? undefined : valueAt(before, path);
  return old === undefined ? '' : ` (was ${show(old)})`;
};

/**
 * One JSON Patch operation as a diff line: `+ /spec/tolerations/1 = {...}`, `~ /metadata/labels/
 * corral.dev~1department = "web" (was "finance")`. The path is the operation's own JSON Pointer, as
 * the webhook's JSONPatch carries it (`/` inside a key is `~1`), so that a label key with a slash is
 * not read as two levels; given the object before the patch, a replaced or removed value is shown.
 */
export function diffLine(op: Operation, before?: unknown): string {
  switch (op.op) {
    case 'add':
      return `+ ${op.path} = ${show(op.value)}`;
    case 'replace':
      return `~ ${op.path} = ${show(op.value)}${was(before, op.path)}`;
    case 'remove':
      return `- ${op.path}${was(before, op.path)}`;
    default:
      return `  ${op.op} ${op.path}`;
  }
}

export function formatChecked(item: CheckedObject): string {
  const lines = [`${item.allowed ? 'ALLOWED' : 'DENIED '} ${item.title}  (${item.source})`];
  for (const note of item.notes ?? []) lines.push(`    note    ${note}`);
  for (const op of item.patch) lines.push(`    ${diffLine(op, item.before)}`);
  for (const d of item.decisions) {
    if (d.outcome === 'fail' || d.outcome === 'error') lines.push(`    denied  [${d.rule}] ${d.message}`);
    else if (d.outcome === 'warn')
      lines.push(`    ${d.audit ? 'audit  ' : 'warning'} [${d.rule}] ${d.message}`);
  }
  return `${lines.join('\n')}\n`;
}
