import { UNIT, type Usage } from '@corral/cluster';
import { pass } from '../decide/decision.js';
import { exceeding } from '../decide/resize-reservation.js';
import type { Demand, ReservedUsage } from '../decide/validate.js';
import { planBatch, type PlanContext } from './batch-plan.js';
import type { StoredReservation } from './reservation-store.js';

const SCOPE = 'department/eng';
const RESIZE = 'resize/Pod/team/web-0/u-1';
const cpu = (units: bigint): Usage => new Map([['requests.cpu', units * UNIT]]);
const stored = (units: bigint) => ({ 'requests.cpu': String(units * UNIT) });

const resizeEntry = (usage: bigint, target: bigint, key = RESIZE): StoredReservation => ({
  key,
  scopes: [SCOPE],
  usage: stored(usage),
  expiresAt: 10_000,
  target: stored(target),
});

/** This replica's snapshot: what it counts for each resized object (by resize key). */
const counts = new Map<string, Usage>();
const context = (overrides: Partial<PlanContext> = {}): PlanContext => ({
  coordinationKey: 'department-eng',
  now: 0,
  ttlMs: 10_000,
  graceMs: 10_000,
  isCounted: () => false,
  stillHeld: (key, target) => exceeding(target, counts.get(key)),
  bounds: { maxEntries: 512, maxRecordBytes: 192 * 1024 },
  ...overrides,
});

/** One request that reads what the record holds in SCOPE (less its own key) and admits `demand`. */
function reading(demand?: Demand) {
  const seen: bigint[] = [];
  const request = {
    dryRun: false,
    decide: (reserved: ReservedUsage) => {
      const read = reserved(SCOPE, demand?.key ?? '');
      seen.push(read.held.get('requests.cpu') ?? 0n);
      return demand ? { decisions: [pass('q')], demand } : { decisions: [pass('q')] };
    },
  };
  return { request, seen };
}

describe('planBatch: resize entries', () => {
  beforeEach(() => counts.clear());

  it("given a resize entry, reads what its target exceeds this replica's count of the object by", () => {
    const entries = [resizeEntry(3n, 6n)]; // written by a replica that saw the pod at 3
    for (const [count, held] of [
      [1n, 5n], // this snapshot is behind the writer's: the pod is counted at 1 here
      [3n, 3n],
      [6n, 0n], // at its target: counted by the snapshot
    ] as const) {
      counts.set(RESIZE, cpu(count));
      const { request, seen } = reading();
      planBatch(context(), entries, [request]);
      expect(seen).toEqual([held * UNIT]);
    }
  });

  it('given no snapshot to ask, reads its stored usage', () => {
    const { request, seen } = reading();
    planBatch(context({ stillHeld: undefined }), [resizeEntry(3n, 6n)], [request]);
    expect(seen).toEqual([3n * UNIT]);
  });

  it('given a second resize of the object, saves one entry with the larger target in place of the first', () => {
    counts.set(RESIZE, cpu(1n));
    const demand: Demand = { key: RESIZE, scopes: [SCOPE], usage: cpu(1n), target: cpu(2n) };
    const { request, seen } = reading(demand);
    const plan = planBatch(context(), [resizeEntry(4n, 5n)], [request]);
    expect(seen).toEqual([0n]); // its own earlier entry is left out of its check
    expect(plan.entries).toEqual([{ ...resizeEntry(4n, 5n), expiresAt: 10_000 }]);
  });

  it('given a full record, drops a resize entry the snapshot shows at its target, never one it does not', () => {
    const other = 'resize/Pod/team/web-1/u-2';
    const kept = [resizeEntry(1n, 2n), resizeEntry(1n, 2n, other)];
    counts.set(RESIZE, cpu(2n)); // web-0 at its target here; web-1 not
    counts.set(other, cpu(1n));
    const demand: Demand = { key: 'Pod/team/new/u-3', scopes: [SCOPE], usage: cpu(1n) };
    const full = context({ bounds: { maxEntries: 2, maxRecordBytes: 192 * 1024 } });
    const plan = planBatch(full, kept, [reading(demand).request]);
    expect(plan.entries?.map((entry) => entry.key)).toEqual([other, 'Pod/team/new/u-3']);
  });
});
