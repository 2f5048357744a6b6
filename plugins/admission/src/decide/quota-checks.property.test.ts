import { usageKeyOf, type Usage } from '@corral/cluster';
import { tryParseQuantity } from '@corral/policy';
import fc from 'fast-check';
import { quotaExcesses, type Excess, type QuotaScope } from './quota.js';
import { specifiedFields } from './quota-requirements.js';

/**
 * The quota checks' read-once paths against the plain formulas they stand in for: `specifiedFields`
 * (each container's resources read once, fields by name) against REQUIRED read field by field, and
 * `quotaExcesses` (amounts added only where a map names the key) against used + held - less + need
 * with every missing key read as 0n.
 */

/** Bits 1 requests.cpu, 2 requests.memory, 4 limits.cpu, 8 limits.memory; a limit stands for its request. */
function plainFields(spec: Record<string, unknown>): number {
  const isSet = (map: unknown, resource: string) => {
    const value = (map as Record<string, unknown> | undefined)?.[resource];
    return value !== undefined && value !== null;
  };
  const asObject = (value: unknown) =>
    typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  let all = 15;
  for (const list of ['initContainers', 'containers']) {
    const items = spec[list];
    if (!Array.isArray(items)) continue;
    for (const item of items) {
      const container = asObject(item);
      if (container === undefined) continue;
      const resources = asObject(container['resources']);
      const requests = asObject(resources?.['requests']);
      const limits = asObject(resources?.['limits']);
      let mask = 0;
      ['cpu', 'memory'].forEach((resource, index) => {
        if (isSet(requests, resource) || isSet(limits, resource)) mask |= 1 << index;
        if (isSet(limits, resource)) mask |= 4 << index;
      });
      all &= mask;
    }
  }
  return all;
}

const value = fc.constantFrom(undefined, null, '100m', '1Gi', '0', 0, '', [], {});
const amounts = fc.record({ cpu: value, memory: value, 'nvidia.com/gpu': value }, { requiredKeys: [] });
const resourcesOf = fc.oneof(
  fc.constantFrom(undefined, null, 'text', []),
  fc.record(
    { requests: fc.oneof(amounts, fc.constant(null)), limits: fc.oneof(amounts, fc.constant(null)) },
    {
      requiredKeys: [],
    },
  ),
);
const containerOf = fc.oneof(
  fc.constantFrom(null, 'text', 7),
  fc.record({ name: fc.constant('c'), resources: resourcesOf }, { requiredKeys: ['name'] }),
);
const listOf = fc.oneof(
  fc.constantFrom(undefined, null, {}, 'text'),
  fc.array(containerOf, { maxLength: 4 }),
);

describe('specifiedFields', () => {
  it('answers as the plain field-by-field read, whatever the containers', () => {
    fc.assert(
      fc.property(listOf, listOf, (initContainers, containers) => {
        const spec = { initContainers, containers };
        expect(specifiedFields(spec)).toBe(plainFields(spec));
      }),
      { numRuns: 3000 },
    );
  });
});

const KEYS = ['requests.cpu', 'limits.memory', 'pods', 'requests.nvidia.com/gpu', 'count/pods'] as const;
const amount = fc.constantFrom(0n, 1n, 5n, 1_000_000_000n, 2n ** 70n, -3n);
const usageOf = fc
  .array(fc.tuple(fc.constantFrom(...KEYS.map(usageKeyOf)), amount), { maxLength: 6 })
  .map((entries): Usage => new Map(entries));
const hardOf = fc.dictionary(fc.constantFrom(...KEYS), fc.constantFrom('0', '1', '5n', '2', '1e3'));

/** The formula the check stands for, every missing key read as 0n. */
function plainExcesses(scope: QuotaScope, demand: Usage): Excess[] {
  const found: Excess[] = [];
  const of = (usage: Usage, key: string) => usage.get(key) ?? 0n;
  for (const [key, text] of Object.entries(scope.hard)) {
    const parsed = tryParseQuantity(text);
    if (!parsed.ok) continue;
    const usageKey = usageKeyOf(key);
    const need = of(demand, usageKey);
    if (need <= 0n) continue;
    const { held, less } = scope.reserved;
    const total = of(scope.used, usageKey) + of(held, usageKey) - of(less, usageKey) + need;
    if (total > parsed.value.nanos) found.push({ key, total, hard: parsed.value.nanos, need });
  }
  return found;
}

describe('quotaExcesses', () => {
  it('finds the same excesses, totals and needs as the plain formula', () => {
    fc.assert(
      fc.property(hardOf, usageOf, usageOf, usageOf, usageOf, (hard, used, held, less, demand) => {
        const scope: QuotaScope = { kind: 'namespace', name: 'n', hard, used, reserved: { held, less } };
        expect(quotaExcesses(scope, demand)).toEqual(plainExcesses(scope, demand));
      }),
      { numRuns: 3000 },
    );
  });
});
