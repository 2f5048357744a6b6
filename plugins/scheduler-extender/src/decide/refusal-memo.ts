import type { RuleName, RuleResult } from './verdict.js';

/**
 * One request's refusals that read the same on many nodes ("node is dedicated to GPU workloads",
 * "node runs pods of department web"), built once and shared by every node they apply to. At 500
 * candidate nodes per call most are refused, so this saves building, holding and sending the same
 * message hundreds of times; kube-scheduler counts identical reasons into one line of its
 * FailedScheduling event ("250 gpu-nodes: node is dedicated to GPU workloads ...").
 */
export class RefusalMemo {
  private readonly byKind = new Map<string, Map<string, RuleResult>>();
  private readonly lists = new Map<RuleResult, readonly RuleResult[]>();

  /**
   * The refusal of `kind` (a rule's name, or a rule's name and a kind of refusal when one rule keys
   * several kinds by the same names) kept for `key` (what its message depends on); on a miss,
   * `make(context, key)` builds it and it is kept, so `make` runs once per (kind, key) and request.
   * A module-level `make` given its `context` allocates nothing on a hit (nor do constant keys); a
   * closure is fine where the message needs several values and the refusal is rare.
   */
  refusal(kind: RuleName | `${RuleName}:${string}`, key: string, make: () => RuleResult): RuleResult;
  refusal<C>(
    kind: RuleName | `${RuleName}:${string}`,
    key: string,
    make: (context: C, key: string) => RuleResult,
    context: C,
  ): RuleResult;
  refusal<C>(
    kind: string,
    key: string,
    make: (context: C | undefined, key: string) => RuleResult,
    context?: C,
  ): RuleResult {
    let results = this.byKind.get(kind);
    if (!results) this.byKind.set(kind, (results = new Map()));
    let result = results.get(key);
    if (!result) results.set(key, (result = make(context, key)));
    return result;
  }

  /** `[result]`, one shared array per result: the results of every node refused by it alone. */
  listOf(result: RuleResult): readonly RuleResult[] {
    let list = this.lists.get(result);
    if (!list) this.lists.set(result, (list = Object.freeze([result])));
    return list;
  }
}
