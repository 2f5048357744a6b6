/**
 * What the cold-cache benches share (admission-cold.bench.ts, admission-cold-split.bench.ts): one
 * tree's validating or mutating rules as admission-rules.bench.ts sets them up (the examples' snapshot,
 * a fresh ledger), loaded from that tree's sources, and the memory thrash run before a timed review.
 */

/** One set of rules: the bench review's parser and the rules' entry point (`withAdmission`). */
export interface ColdRules {
  readonly tree: string;
  readonly parse: () => unknown;
  readonly review: (body: unknown) => Promise<unknown>;
}

/**
 * Given a checkout with its own node_modules and a webhook path, returns a fresh set of its rules
 * (own snapshot and ledger), checked to answer the bench review without a failure.
 */
export async function loadColdRules(tree: string, path: string): Promise<ColdRules> {
  const from = (file: string) => import(`${tree}/${file}`);
  const { DEFAULT_RULE_SETTINGS } = await from('plugins/admission/src/decide/settings.ts');
  const { ReservationLedger } = await from('plugins/admission/src/effects/reservation-ledger.ts');
  const { snapshotFromFiles } = await from('plugins/admission/src/testing/example-snapshot.ts');
  const { reviewHandlers } = await from('plugins/admission/src/transport/review-handlers.ts');
  const { withAdmission } = await from('plugins/admission/src/transport/with-admission.ts');
  const { benchReview } = await from('bench/admission-bench-review.ts');
  const ledger = new ReservationLedger({ ttlMs: 60_000, isCounted: () => false });
  const handlers = reviewHandlers(await snapshotFromFiles(), DEFAULT_RULE_SETTINGS, ledger);
  const options = { deadlineMs: 8000, failOpen: handlers.failOpen };
  const inner = path === '/validate' ? handlers.validate : handlers.mutate;
  const text = benchReview(path) as string;
  const review = (body: unknown) => withAdmission(body, inner, options) as Promise<unknown>;
  const first = (await review(JSON.parse(text))) as { failure?: Error };
  if (first.failure) throw new Error(`${tree} ${path}: the rules failed: ${first.failure.message}`);
  return { tree, parse: () => JSON.parse(text), review };
}

/**
 * Given a size in bytes, returns a function that reads and writes one word per 64-byte line of that
 * much memory (evicting the CPU caches), and a count of the words touched (so the work is not elided).
 */
export function thrasher(bytes: number): { readonly thrash: () => void; readonly touched: () => number } {
  const junk = new Uint32Array(bytes / 4);
  let touched = 0;
  return {
    thrash: () => {
      for (let i = 0; i < junk.length; i += 16) touched += junk[i] = (junk[i] ?? 0) + 1;
    },
    touched: () => touched,
  };
}
