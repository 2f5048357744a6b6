import type { Operation } from 'fast-json-patch';
import type { Decision } from '../decide/decision.js';

/** How `corral check` prints one object's outcome: a readable diff, warnings, denials with the rule. */
export interface CheckedObject {
  readonly source: string;
  /** `Pod finance-prod/payments-api` */
  readonly title: string;
  readonly allowed: boolean;
  readonly patch: readonly Operation[];
  readonly decisions: readonly Decision[];
  /** What the reader should know about how the object was checked (unknown namespace, not reviewed). */
  readonly notes?: readonly string[];
}

const show = (value: unknown): string => JSON.stringify(value);
const unescape = (path: string) => path.replace(/~1/g, '/').replace(/~0/g, '~');

/** One JSON Patch operation as a diff line: `+ /spec/tolerations/1 = {...}`. */
export function diffLine(op: Operation): string {
  const path = unescape(op.path);
  switch (op.op) {
    case 'add':
      return `+ ${path} = ${show(op.value)}`;
    case 'replace':
      return `~ ${path} = ${show(op.value)}`;
    case 'remove':
      return `- ${path}`;
    default:
      return `  ${op.op} ${path}`;
  }
}

export function formatChecked(item: CheckedObject): string {
  const lines = [`${item.allowed ? 'ALLOWED' : 'DENIED '} ${item.title}  (${item.source})`];
  for (const note of item.notes ?? []) lines.push(`    note    ${note}`);
  for (const op of item.patch) lines.push(`    ${diffLine(op)}`);
  for (const d of item.decisions) {
    if (d.outcome === 'fail' || d.outcome === 'error') lines.push(`    denied  [${d.rule}] ${d.message}`);
    else if (d.outcome === 'warn')
      lines.push(`    ${d.audit ? 'audit  ' : 'warning'} [${d.rule}] ${d.message}`);
  }
  return `${lines.join('\n')}\n`;
}
