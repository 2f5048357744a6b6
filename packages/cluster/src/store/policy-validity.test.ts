import { rawDepartment, rawNamespacePolicy } from '../testing/raw-objects.js';
import type { PolicyValidityChange } from './validity-changes.js';
import { SnapshotStore } from './snapshot-store.js';

const T1 = '2024-01-01T00:00:00Z';
const T2 = '2024-02-01T00:00:00Z';
const BAD = { quota: { hard: { pods: '1.5' } } };
const GOOD = { quota: { hard: { pods: '2' } } };
const withMeta = (item: Record<string, unknown>, generation: number, resourceVersion: string) => ({
  ...item,
  metadata: { ...(item['metadata'] as object), generation, resourceVersion },
});

function watched() {
  const store = new SnapshotStore();
  const seen: PolicyValidityChange[][] = [];
  store.onPolicyValidity((changes) => seen.push([...changes]));
  return { store, seen };
}

describe('SnapshotStore: refused policy objects', () => {
  it('given an invalid Department with no valid copy, reports it refused and absent, once', () => {
    const { store, seen } = watched();
    const bad = withMeta(rawDepartment('d', BAD), 3, '10');
    store.upsert('Department', bad, 'watch');
    store.replaceAll('Department', [bad], 'list'); // a relist of the same copy
    expect(store.department('d')).toBeUndefined();
    expect(store.invalidPolicies()).toEqual([
      expect.objectContaining({
        kind: 'Department',
        name: 'd',
        reason: 'InvalidSpec',
        lastValidKept: false,
        copy: { generation: 3, resourceVersion: '10' },
        problems: [expect.objectContaining({ field: '/spec/quota/hard/pods' })],
      }),
    ]);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toEqual([expect.objectContaining({ kind: 'Department', name: 'd', served: false })]);
    expect(seen[0]?.[0]?.before).toBeUndefined();
  });

  it('given an invalid edit of a valid Department, keeps the last valid copy; fixed, tells it is valid again', () => {
    const { store, seen } = watched();
    store.upsert('Department', withMeta(rawDepartment('d', GOOD), 1, '1'), 'watch');
    expect(seen).toEqual([]);
    store.upsert('Department', withMeta(rawDepartment('d', BAD), 2, '2'), 'watch');
    expect(store.department('d')?.spec.quota?.hard['pods']).toBe('2');
    expect(store.invalidPolicies()).toEqual([expect.objectContaining({ lastValidKept: true })]);
    store.upsert('Department', withMeta(rawDepartment('d', BAD), 2, '3'), 'watch'); // a status write
    expect(seen).toHaveLength(2);
    expect(seen[1]?.[0]?.after?.copy.resourceVersion).toBe('3');
    store.upsert('Department', withMeta(rawDepartment('d', GOOD), 3, '4'), 'watch');
    expect(store.invalidPolicies()).toEqual([]);
    expect(seen[2]).toEqual([expect.objectContaining({ served: true })]);
    expect(seen[2]?.[0]?.after).toBeUndefined();
  });

  it('given an invalid object deleted or gone at a relist, tells it is no longer refused, not served', () => {
    const { store, seen } = watched();
    store.upsert('NamespacePolicy', rawNamespacePolicy('ns', 'p', { enforcement: 'sometimes' }), 'watch');
    expect(store.invalidPolicies()).toEqual([
      expect.objectContaining({ kind: 'NamespacePolicy', namespace: 'ns', name: 'p' }),
    ]);
    store.replaceAll('NamespacePolicy', [], 'list');
    expect(store.invalidPolicies()).toEqual([]);
    expect(seen[1]).toEqual([
      expect.objectContaining({ kind: 'NamespacePolicy', namespace: 'ns', served: false }),
    ]);
    expect(seen[1]?.[0]?.after).toBeUndefined();
  });

  it('given a valid Department held back by a conflict, reports it refused with reason Conflict', () => {
    const { store } = watched();
    const storage = { storage: { pool: 'rbd', radosNamespace: 'x' } };
    store.upsert('Department', rawDepartment('old', storage, T1), 'watch');
    store.upsert('Department', rawDepartment('new', storage, T2), 'watch');
    expect(store.department('new')).toBeUndefined();
    expect(store.invalidPolicies()).toEqual([
      expect.objectContaining({ name: 'new', reason: 'Conflict', lastValidKept: false }),
    ]);
    store.remove('Department', rawDepartment('old'), 'watch');
    expect(store.department('new')).toBeDefined();
    expect(store.invalidPolicies()).toEqual([]);
  });

  it('given a listener that throws, reports the error and keeps telling the others', () => {
    const errors: unknown[] = [];
    const store = new SnapshotStore({ onListenerError: (error) => errors.push(error) });
    let told = 0;
    store.onPolicyValidity(() => {
      throw new Error('boom');
    });
    const stop = store.onPolicyValidity(() => void (told += 1));
    store.upsert('Department', rawDepartment('d', BAD), 'watch');
    stop();
    store.upsert('Department', rawDepartment('d', GOOD), 'watch');
    expect([errors.length, told]).toEqual([2, 1]);
  });
});
