import { Registry } from 'prom-client';
import type { InvalidPolicy } from '../store/invalid-policy.js';
import {
  countInvalidPolicies,
  createInvalidPolicyMetric,
  INVALID_POLICY_METRIC,
} from './invalid-policy-metric.js';

const refused = (kind: InvalidPolicy['kind'], reason: InvalidPolicy['reason']): InvalidPolicy => ({
  kind,
  name: 'x',
  reason,
  problems: [],
  lastValidKept: false,
  copy: {},
});

describe('invalid policy objects gauge', () => {
  it('given refused objects, counts every kind and reason (zeros too)', () => {
    const counts = countInvalidPolicies([
      refused('Department', 'InvalidSpec'),
      refused('Department', 'InvalidSpec'),
    ]);
    expect(counts).toEqual([
      { kind: 'Department', reason: 'InvalidSpec', count: 2 },
      { kind: 'Department', reason: 'Conflict', count: 0 },
      { kind: 'NamespacePolicy', reason: 'InvalidSpec', count: 0 },
      { kind: 'NamespacePolicy', reason: 'Conflict', count: 0 },
    ]);
  });

  it('reads the snapshot at each scrape', async () => {
    const registry = new Registry();
    let invalid: InvalidPolicy[] = [refused('NamespacePolicy', 'Conflict')];
    createInvalidPolicyMetric(registry, { invalidPolicies: () => invalid });
    const value = async (kind: string, reason: string) => {
      const [metric] = await registry.getMetricsAsJSON();
      expect(metric?.name).toBe(INVALID_POLICY_METRIC);
      return metric?.values.find((v) => v.labels['kind'] === kind && v.labels['reason'] === reason)?.value;
    };
    expect(await value('NamespacePolicy', 'Conflict')).toBe(1);
    invalid = [];
    expect(await value('NamespacePolicy', 'Conflict')).toBe(0);
  });
});
