import { rawDepartment, rawNamespace, rawNamespacePolicy, SnapshotStore } from '@corral/cluster';
import { policyStatusKeys, stalePolicyStatuses } from './policy-status.js';

const NOW = '2030-01-02T03:04:05Z';

/** Department team (valid), Department broken (refused), a valid and a refused NamespacePolicy. */
function snapshot(): SnapshotStore {
  const store = new SnapshotStore();
  store.replaceAll(
    'Namespace',
    [rawNamespace('team-a', { 'corral.dev/department': 'team' }), rawNamespace('team-b')],
    't',
  );
  store.replaceAll(
    'Department',
    [rawDepartment('team'), rawDepartment('broken', { quota: { hard: { pods: '1.5' } } })],
    't',
  );
  store.replaceAll(
    'NamespacePolicy',
    [
      rawNamespacePolicy('team-a', 'policy'),
      rawNamespacePolicy('team-b', 'policy', { quota: { hard: { pods: '0.5' } } }),
    ],
    't',
  );
  return store;
}

describe('stalePolicyStatuses', () => {
  it('given both kinds, returns every stale status, each naming its kind (and a NamespacePolicy its namespace)', () => {
    const updates = stalePolicyStatuses(snapshot(), NOW);
    expect(updates.map((u) => [u.kind, u.namespace ?? '', u.name, u.status.conditions?.[0]?.status])).toEqual(
      [
        ['Department', '', 'team', 'True'],
        ['Department', '', 'broken', 'False'],
        ['NamespacePolicy', 'team-a', 'policy', 'True'],
        ['NamespacePolicy', 'team-b', 'policy', 'False'],
      ],
    );
    // Only a Department's status carries namespaces and usage.
    expect(updates.find((u) => u.name === 'team')?.status).toHaveProperty('namespaces', ['team-a']);
    expect(updates.find((u) => u.namespace === 'team-a')?.status).not.toHaveProperty('namespaces');
  });
});

describe('policyStatusKeys', () => {
  it('given served and refused objects of both kinds, names each once', () => {
    expect([...policyStatusKeys(snapshot())].sort()).toEqual([
      'Department:broken',
      'Department:team',
      'NamespacePolicy:team-a/policy',
      'NamespacePolicy:team-b/policy',
    ]);
  });
});
