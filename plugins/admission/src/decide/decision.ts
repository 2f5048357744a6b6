/**
 * Every rule answers with a typed decision (STYLE.md #2), never a bare boolean: the rule's name, an
 * outcome and a message a tenant can act on. The envelope (transport/) turns a list of decisions into
 * an AdmissionReview response; nothing here knows about HTTP.
 */
export type Outcome = 'pass' | 'fail' | 'warn' | 'error' | 'skip';

export interface Decision {
  readonly rule: string;
  readonly outcome: Outcome;
  /** What is wrong and how to fix it (empty for pass/skip). */
  readonly message: string;
  /** HTTP status of a denial: 403 (policy refuses) by default, 422 for an invalid policy object. */
  readonly code?: 403 | 422;
  /** Set when audit mode turned a failure into an allow: logged and counted, never shown as a warning. */
  readonly audit?: boolean;
}

export const pass = (rule: string): Decision => ({ rule, outcome: 'pass', message: '' });
export const skip = (rule: string, message = ''): Decision => ({ rule, outcome: 'skip', message });
export const fail = (rule: string, message: string, code?: 403 | 422): Decision =>
  code === undefined ? { rule, outcome: 'fail', message } : { rule, outcome: 'fail', message, code };
export const warn = (rule: string, message: string): Decision => ({ rule, outcome: 'warn', message });
export const error = (rule: string, message: string): Decision => ({ rule, outcome: 'error', message });

/** Does this decision refuse the object (a failure or an error not relaxed by warn/audit mode)? */
export function isDenial(decision: Decision): boolean {
  return decision.outcome === 'fail' || decision.outcome === 'error';
}

/** What a rule reports, summarised as the `outcome` label of the decisions metric. */
export function outcomeLabel(decision: Decision): string {
  return decision.audit ? 'audit' : decision.outcome;
}
