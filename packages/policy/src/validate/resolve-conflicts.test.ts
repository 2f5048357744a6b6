import type { Department, DepartmentSpec } from '../schema/department.js';
import type { NamespacePolicy } from '../schema/namespace-policy.js';
import { compareByAge, whyWins } from './conflict-order.js';
import { resolveConflicts } from './resolve-conflicts.js';

function dept(name: string, spec: DepartmentSpec = {}, creationTimestamp?: string | null): Department {
  return {
    apiVersion: 'corral.dev/v1alpha1',
    kind: 'Department',
    metadata: { name, creationTimestamp },
    spec,
  };
}

function pol(namespace: string, name: string, creationTimestamp?: string): NamespacePolicy {
  return {
    apiVersion: 'corral.dev/v1alpha1',
    kind: 'NamespacePolicy',
    metadata: { name, namespace, creationTimestamp },
    spec: {},
  };
}

const names = (objects: readonly { metadata: { name: string } }[]) =>
  objects.map((object) => object.metadata.name);

describe('compareByAge', () => {
  const cases: [a: Department, b: Department, expected: 'a' | 'b', why: string][] = [
    [dept('b', {}, '2024-01-01T00:00:00Z'), dept('a', {}, '2025-01-01T00:00:00Z'), 'a', 'older'],
    [dept('b', {}, '2024-01-01T00:00:00Z'), dept('a'), 'a', 'older'],
    [dept('b', {}, '2024-01-01T00:00:00+02:00'), dept('a', {}, '2024-01-01T00:00:00Z'), 'a', 'older'],
    [dept('b', {}, 'garbage'), dept('a', {}, null), 'b', 'same age, name sorts first'],
    [
      dept('a', {}, '2024-01-01T00:00:00Z'),
      dept('b', {}, '2024-01-01T00:00:00Z'),
      'a',
      'same age, name sorts first',
    ],
    [dept('B'), dept('a'), 'a', 'same age, name sorts first'],
  ];

  it.each(cases)('given %#, the winner is %s because %s', (a, b, expected, why) => {
    const [winner, loser] = [a, b].sort(compareByAge);
    expect(winner).toBe(expected === 'a' ? a : b);
    if (winner !== undefined && loser !== undefined) expect(whyWins(winner, loser)).toBe(why);
  });
});

describe('resolveConflicts', () => {
  it('given no conflicts, keeps everything and maps namespaces to owners', () => {
    const resolved = resolveConflicts({
      departments: [dept('hr'), dept('finance')],
      policies: [pol('finance-prod', 'p')],
      namespaces: [
        { name: 'finance-prod', labels: { 'corral.dev/department': 'finance' } },
        { name: 'hr-prod', labels: { 'corral.dev/department': 'hr' } },
        { name: 'loose' },
      ],
    });
    expect(names(resolved.departments)).toEqual(['finance', 'hr']);
    expect(names(resolved.policies)).toEqual(['p']);
    expect([...resolved.namespaceOwners]).toEqual([
      ['finance-prod', 'finance'],
      ['hr-prod', 'hr'],
    ]);
    expect(resolved.dropped).toEqual([]);
  });

  it('given two policies in one namespace, keeps the oldest', () => {
    const resolved = resolveConflicts({
      departments: [],
      policies: [
        pol('a', 'new', '2025-01-01T00:00:00Z'),
        pol('a', 'old', '2024-01-01T00:00:00Z'),
        pol('b', 'other'),
      ],
      namespaces: [],
    });
    expect(names(resolved.policies)).toEqual(['old', 'other']);
    expect(resolved.dropped).toEqual([
      { kind: 'NamespacePolicy', name: 'new', namespace: 'a', lostTo: 'a/old', reason: 'duplicate-policy' },
    ]);
  });

  it('given two departments on one RADOS namespace, leaves the younger out and gives its namespaces no owner', () => {
    const resolved = resolveConflicts({
      departments: [
        dept('young', { storage: { pool: 'rbd', radosNamespace: 'x' } }, '2025-01-01T00:00:00Z'),
        dept('old', { storage: { pool: 'rbd', radosNamespace: 'x' } }, '2024-01-01T00:00:00Z'),
        dept('apart', { storage: { pool: 'rbd', radosNamespace: 'y' } }),
      ],
      policies: [],
      namespaces: [{ name: 'young-prod', labels: { 'corral.dev/department': 'young' } }],
    });
    expect(names(resolved.departments)).toEqual(['old', 'apart']);
    expect(resolved.dropped).toEqual([
      { kind: 'Department', name: 'young', lostTo: 'old', reason: 'duplicate-storage' },
    ]);
    expect(resolved.namespaceOwners.size).toBe(0);
  });

  it('given departments without radosNamespace, compares the RADOS namespace the CSI driver uses: their names', () => {
    const resolved = resolveConflicts({
      departments: [
        dept('a', { storage: { pool: 'rbd' } }, '2024-01-01T00:00:00Z'),
        dept('b', { storage: { pool: 'rbd' } }, '2024-01-01T00:00:00Z'),
        dept('c', { storage: { pool: 'rbd', radosNamespace: 'a' } }, '2025-01-01T00:00:00Z'),
      ],
      policies: [],
      namespaces: [],
    });
    expect(names(resolved.departments)).toEqual(['a', 'b']);
    expect(resolved.dropped).toEqual([
      { kind: 'Department', name: 'c', lostTo: 'a', reason: 'duplicate-storage' },
    ]);
  });

  it('given a namespace claimed by two departments, gives it to the winner and keeps both departments', () => {
    const resolved = resolveConflicts({
      departments: [
        dept('b', { namespaceSelector: { matchLabels: { tier: 'prod' } } }),
        dept('a', { namespaceSelector: { matchLabels: { tier: 'prod' } } }),
      ],
      policies: [],
      namespaces: [{ name: 'shop', labels: { tier: 'prod' } }],
    });
    expect(resolved.namespaceOwners.get('shop')).toBe('a');
    expect(names(resolved.departments)).toEqual(['a', 'b']);
    expect(resolved.dropped).toEqual([]);
  });
});
