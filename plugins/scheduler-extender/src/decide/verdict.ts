/**
 * Typed decision results (STYLE.md #2): every rule answers pass | fail | warn | error | skip with its
 * name and a message a tenant can act on, never a bare boolean.
 */
export type RuleStatus = 'pass' | 'fail' | 'warn' | 'error' | 'skip';

export type RuleName =
  'system-namespace' | 'node-known' | 'department-isolation' | 'gpu-nodes' | 'gateway-nodes' | 'spread';

export interface RuleResult {
  readonly status: RuleStatus;
  readonly rule: RuleName;
  /** Empty for pass; for fail: what is wrong and what to do, in the tenant's words. */
  readonly message: string;
  /** A failure no preemption can fix (kube-scheduler then skips preemption on that node). */
  readonly unresolvable: boolean;
}

export const pass = (rule: RuleName): RuleResult => ({
  status: 'pass',
  rule,
  message: '',
  unresolvable: false,
});

export const skip = (rule: RuleName, message = ''): RuleResult => ({
  status: 'skip',
  rule,
  message,
  unresolvable: false,
});

export const fail = (rule: RuleName, message: string, unresolvable: boolean): RuleResult => ({
  status: 'fail',
  rule,
  message,
  unresolvable,
});

/** A node's verdict: the rules that refused it (empty when it passed). */
export interface NodeVerdict {
  readonly node: string;
  readonly status: 'pass' | 'fail';
  readonly results: readonly RuleResult[];
  readonly unresolvable: boolean;
}

/** Given a node's rule results, returns its verdict: fail when any rule failed. */
export function toVerdict(node: string, results: readonly RuleResult[]): NodeVerdict {
  const failed = results.filter((result) => result.status === 'fail' || result.status === 'error');
  return {
    node,
    status: failed.length === 0 ? 'pass' : 'fail',
    results,
    unresolvable: failed.some((result) => result.unresolvable),
  };
}

/** The reason kube-scheduler shows for a refused node: every failing rule's message. */
export function reasonOf(verdict: NodeVerdict): string {
  return verdict.results
    .filter((result) => result.status === 'fail' || result.status === 'error')
    .map((result) => `${result.rule}: ${result.message}`)
    .join('; ');
}
