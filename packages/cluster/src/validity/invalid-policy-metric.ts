import { Gauge, type Registry } from 'prom-client';
import type { ClusterSnapshot } from '../store/cluster-snapshot.js';
import type { InvalidPolicy, InvalidReason, PolicyKind } from '../store/invalid-policy.js';

export const INVALID_POLICY_METRIC = 'corral_invalid_policy_objects';

const KINDS: readonly PolicyKind[] = ['Department', 'NamespacePolicy'];
const REASONS: readonly InvalidReason[] = ['InvalidSpec', 'Conflict'];

type Label = 'kind' | 'reason';

/** Given the refused objects, returns how many there are per kind and reason (every pair, zeros too). */
export function countInvalidPolicies(
  invalid: readonly InvalidPolicy[],
): { kind: PolicyKind; reason: InvalidReason; count: number }[] {
  return KINDS.flatMap((kind) =>
    REASONS.map((reason) => ({
      kind,
      reason,
      count: invalid.filter((p) => p.kind === kind && p.reason === reason).length,
    })),
  );
}

/**
 * Registers `corral_invalid_policy_objects{kind,reason}`: the policy objects whose newest copy the
 * snapshot refuses, read from the snapshot at each scrape (so it is never out of step with it).
 */
export function createInvalidPolicyMetric(
  registry: Registry,
  snapshot: Pick<ClusterSnapshot, 'invalidPolicies'>,
): Gauge<Label> {
  return new Gauge<Label>({
    name: INVALID_POLICY_METRIC,
    help:
      'Policy objects (Departments, NamespacePolicies) whose newest copy Corral refuses: invalid ' +
      '(InvalidSpec) or held back by a conflict with an older object (Conflict).',
    labelNames: ['kind', 'reason'],
    registers: [registry],
    collect() {
      for (const { kind, reason, count } of countInvalidPolicies(snapshot.invalidPolicies()))
        this.set({ kind, reason }, count);
    },
  });
}
