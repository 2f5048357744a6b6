import type { Validated } from '@corral/policy';
import { readRef, unnamedProblem } from './object-ref.js';
import { asRecord, recordAt, stringMapAt } from './raw.js';

export interface NamespaceView {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
}

export function toNamespaceView(item: unknown, origin: string): Validated<NamespaceView> {
  const ref = readRef('Namespace', item);
  if (!ref) return { ok: false, problems: [unnamedProblem('Namespace', origin)] };
  return {
    ok: true,
    value: { name: ref.name, labels: stringMapAt(recordAt(asRecord(item), 'metadata'), 'labels') },
  };
}
