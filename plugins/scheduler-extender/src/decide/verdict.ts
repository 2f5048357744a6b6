/**
 * Typed decision results (STYLE.md #2): every rule answers pass | fail | warn | error | skip with its
 * name and a message a tenant can act on, never a bare boolean.
 */
export type RuleStatus = 'pass' | 'fail' | 'warn' | 'error' | 'skip';

export type RuleName =
  | 'system-namespace'
  | 'node-known'
  | 'node-readable'
  | 'department-isolation'
  | 'gpu-nodes'
  | 'gateway-nodes'
  | 'spread';

export interface RuleResult {
  readonly status: RuleStatus;
  readonly rule: RuleName;
  /** Empty for pass; for fail: what is wrong and what to do, in the tenant's words. */
  readonly message: string;
  /** A failure no preemption can fix (kube-scheduler then skips preemption on that node). */
  readonly unresolvable: boolean;
}

const PASSES = new Map<RuleName, RuleResult>();

/** A rule's pass: one shared frozen result per rule (passes carry nothing else). */
export const pass = (rule: RuleName): RuleResult => {
  let result = PASSES.get(rule);
  if (!result)
    PASSES.set(rule, (result = Object.freeze({ status: 'pass', rule, message: '', unresolvable: false })));
  return result;
};

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

/**
 * A node's verdict and the rule results behind it: every rule's when it passed or with `allReasons`;
 * when serving, a refused node carries only the refusal that stopped it.
 */
export interface NodeVerdict {
  readonly node: string;
  readonly status: 'pass' | 'fail';
  readonly results: readonly RuleResult[];
  readonly unresolvable: boolean;
}

/** Given a node's rule results, returns its verdict: fail when any rule failed. */
export function toVerdict(node: string, results: readonly RuleResult[]): NodeVerdict {
  let failed = false;
  let unresolvable = false;
  for (const result of results) {
    if (!refuses(result)) continue;
    failed = true;
    unresolvable ||= result.unresolvable;
  }
  return { node, status: failed ? 'fail' : 'pass', results, unresolvable };
}

/** Does this result refuse the node (fail or error)? */
export function refuses(result: RuleResult): boolean {
  return result.status === 'fail' || result.status === 'error';
}

/** The reason kube-scheduler shows for a refused node: every failing rule's message. */
export function reasonOf(verdict: NodeVerdict): string {
  return verdict.results
    .filter(refuses)
    .map((result) => `${result.rule}: ${result.message}`)
    .join('; ');
}
