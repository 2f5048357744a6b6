import type { Enforcement } from '@corral/policy';
import { isDenial, type Decision } from './decision.js';

/**
 * Applies a namespace's enforcement mode to its decisions: `enforce` keeps denials, `warn` turns them
 * into warnings, `audit` turns them into allows that are logged and counted (flagged `audit`).
 */
export function applyEnforcement(decisions: readonly Decision[], mode: Enforcement): Decision[] {
  if (mode === 'enforce') return [...decisions];
  return decisions.map((decision) => {
    if (!isDenial(decision)) return decision;
    const relaxed: Decision = { rule: decision.rule, outcome: 'warn', message: decision.message };
    return mode === 'audit' ? { ...relaxed, audit: true } : relaxed;
  });
}
