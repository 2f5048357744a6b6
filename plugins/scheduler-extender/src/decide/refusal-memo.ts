import type { RuleName, RuleResult } from './verdict.js';

/**
 * One request's refusals that read the same on many nodes ("node is dedicated to GPU workloads",
 * "node runs pods of department web"), built once and shared by every node they apply to. At 500
 * candidate nodes per call most are refused, so this saves building, holding and sending the same
 * message hundreds of times; kube-scheduler counts identical reasons into one line of its
 * FailedScheduling event ("250 gpu-nodes: node is dedicated to GPU workloads ...").
 */
export class RefusalMemo {
  private readonly byRule = new Map<RuleName, Map<string, RuleResult>>();
  private readonly lists = new Map<RuleResult, readonly RuleResult[]>();

  /**
   * The refusal of `rule` kept for `key` (what its message depends on); on a miss, `make` builds it
   * and it is kept, so `make` runs once per (rule, key) and request. A module-level `make` given its
   * `context` allocates nothing on a hit; a closure is fine where the message needs several values.
   */
  refusal(rule: RuleName, key: string, make: () => RuleResult): RuleResult;
  refusal<C>(rule: RuleName, key: string, make: (context: C) => RuleResult, context: C): RuleResult;
  refusal<C>(rule: RuleName, key: string, make: (context?: C) => RuleResult, context?: C): RuleResult {
    let results = this.byRule.get(rule);
    if (!results) this.byRule.set(rule, (results = new Map()));
    let result = results.get(key);
    if (!result) results.set(key, (result = make(context)));
    return result;
  }

  /** `[result]`, one shared array per result: the results of every node refused by it alone. */
  listOf(result: RuleResult): readonly RuleResult[] {
    let list = this.lists.get(result);
    if (!list) this.lists.set(result, (list = Object.freeze([result])));
    return list;
  }
}
