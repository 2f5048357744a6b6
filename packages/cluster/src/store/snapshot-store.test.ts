import {
  rawDepartment,
  rawNamespace,
  rawNamespacePolicy,
  rawNode,
  rawPod,
  rawPvc,
} from '../testing/raw-objects.js';
import { formatUsage } from '../usage/format-usage.js';
import { SnapshotStore } from './snapshot-store.js';

const T1 = '2024-01-01T00:00:00Z';
const T2 = '2024-02-01T00:00:00Z';
const dept = (name: string) => ({ 'corral.dev/department': name });

function storeWith(...steps: ((store: SnapshotStore) => void)[]): SnapshotStore {
  const store = new SnapshotStore();
  store.upsert('Department', rawDepartment('a', {}, T1), 'test');
  store.upsert('Department', rawDepartment('b', {}, T2), 'test');
  store.upsert('Namespace', rawNamespace('ns-a', dept('a')), 'test');
  store.upsert('Namespace', rawNamespace('ns-b', dept('b')), 'test');
  for (const step of steps) step(store);
  return store;
}

const used = (store: SnapshotStore, department: string) => formatUsage(store.usageOfDepartment(department));

describe('SnapshotStore: nodes and namespaces', () => {
  it('adds, modifies and deletes a node', () => {
    const store = new SnapshotStore();
    store.upsert('Node', rawNode('n1'), 'test');
    expect(store.node('n1')?.department).toBeUndefined();
    store.upsert('Node', rawNode('n1', { labels: dept('a') }), 'test');
    expect(store.node('n1')?.department).toBe('a');
    expect([...store.nodes()].map((n) => n.name)).toEqual(['n1']);
    store.remove('Node', rawNode('n1'), 'test');
    expect(store.node('n1')).toBeUndefined();
  });

  it('counts a pod whose namespace has not arrived yet as of an unknown namespace, not of none', () => {
    const store = storeWith();
    store.upsert('Pod', rawPod('late-ns', 'p', { nodeName: 'n1' }), 'test');
    expect(Object.fromEntries(store.unknownNamespacesOnNode('n1'))).toEqual({ 'late-ns': 1 });
    expect(store.departmentsOnNode('n1').size).toBe(0);
    store.upsert('Namespace', rawNamespace('late-ns', dept('b')), 'test');
    expect(store.unknownNamespacesOnNode('n1').size).toBe(0);
    expect(Object.fromEntries(store.departmentsOnNode('n1'))).toEqual({ b: 1 });
    store.upsert('Namespace', rawNamespace('late-ns', {}), 'test');
    expect(store.unknownNamespacesOnNode('n1').size).toBe(0);
    store.remove('Namespace', rawNamespace('late-ns'), 'test');
    expect(Object.fromEntries(store.unknownNamespacesOnNode('n1'))).toEqual({ 'late-ns': 1 });
    store.remove('Pod', rawPod('late-ns', 'p', { nodeName: 'n1' }), 'test');
    expect(store.unknownNamespacesOnNode('n1').size).toBe(0);
  });

  it('moves a namespace and its usage when it is relabelled', () => {
    const store = storeWith((s) =>
      s.upsert('Pod', rawPod('ns-a', 'p', { nodeName: 'n1', requests: { cpu: '1' } }), 'test'),
    );
    expect(used(store, 'a')).toMatchObject({ pods: '1', 'requests.cpu': '1' });
    store.upsert('Namespace', rawNamespace('ns-a', dept('b')), 'test');
    expect(store.departmentOfNamespace('ns-a')).toBe('b');
    expect(used(store, 'a')).toEqual({});
    expect(used(store, 'b')).toMatchObject({ pods: '1', 'requests.cpu': '1' });
    expect(Object.fromEntries(store.departmentsOnNode('n1'))).toEqual({ b: 1 });
    expect([...store.namespacesOfDepartment('b')].sort()).toEqual(['ns-a', 'ns-b']);
  });

  it('forgets the department of a deleted namespace but keeps its pods', () => {
    const store = storeWith((s) => s.upsert('Pod', rawPod('ns-a', 'p', { nodeName: 'n1' }), 'test'));
    store.remove('Namespace', rawNamespace('ns-a'), 'test');
    expect(store.departmentOfNamespace('ns-a')).toBeUndefined();
    expect(used(store, 'a')).toEqual({});
    expect(formatUsage(store.usageOfNamespace('ns-a'))).toEqual({ 'count/pods': '1', pods: '1' });
    expect(store.departmentsOnNode('n1').size).toBe(0);
  });
});

describe('SnapshotStore: a namespace labelled for a department no valid Department serves', () => {
  // Department isolation must keep seeing such a namespace's pods as that department's: a
  // deleted or invalid Department must not let another department onto the nodes they run on.
  const onN1 = (s: SnapshotStore) => s.upsert('Pod', rawPod('ns-a', 'p', { nodeName: 'n1' }), 'test');

  it('given its Department deleted, counts its pods on nodes under the label, for no usage', () => {
    const store = storeWith(onN1);
    store.remove('Department', rawDepartment('a'), 'test');
    expect(store.departmentOfNamespace('ns-a')).toBeUndefined();
    expect(used(store, 'a')).toEqual({});
    expect(store.isolationDepartmentOfNamespace('ns-a')).toBe('a');
    expect(Object.fromEntries(store.departmentsOnNode('n1'))).toEqual({ a: 1 });
    store.upsert('Department', rawDepartment('a', {}, T1), 'test');
    expect(Object.fromEntries(store.departmentsOnNode('n1'))).toEqual({ a: 1 });
    expect(used(store, 'a')).toMatchObject({ pods: '1' });
  });

  it('given its Department invalid, or relabelled to another missing one, follows the label', () => {
    const store = storeWith(onN1);
    store.remove('Department', rawDepartment('a'), 'test');
    store.upsert('Department', rawDepartment('a', { nodeIsolation: 'nope' }), 'test');
    expect(store.department('a')).toBeUndefined();
    expect(Object.fromEntries(store.departmentsOnNode('n1'))).toEqual({ a: 1 });
    store.upsert('Namespace', rawNamespace('ns-a', dept('ghost')), 'test');
    expect(Object.fromEntries(store.departmentsOnNode('n1'))).toEqual({ ghost: 1 });
    store.upsert('Namespace', rawNamespace('ns-a', dept('b')), 'test');
    expect(Object.fromEntries(store.departmentsOnNode('n1'))).toEqual({ b: 1 });
    store.upsert('Namespace', rawNamespace('ns-a'), 'test');
    expect(store.departmentsOnNode('n1').size).toBe(0);
  });

  it('given a valid Department of that name whose selector does not claim it, counts its pods for none', () => {
    const store = storeWith(onN1);
    const selector = { namespaceSelector: { matchLabels: { team: 'x' } } };
    store.upsert('Department', rawDepartment('a', selector, T1), 'test');
    expect(store.departmentOfNamespace('ns-a')).toBeUndefined();
    expect(store.isolationDepartmentOfNamespace('ns-a')).toBeUndefined();
    expect(store.departmentsOnNode('n1').size).toBe(0);
    store.remove('Department', rawDepartment('a'), 'test');
    expect(Object.fromEntries(store.departmentsOnNode('n1'))).toEqual({ a: 1 });
  });
});

describe('SnapshotStore: pods and claims', () => {
  it('counts a pod, its change, its move and its deletion', () => {
    const store = storeWith();
    store.upsert('Pod', rawPod('ns-a', 'p', { nodeName: 'n1', requests: { cpu: '1' } }), 'test');
    store.upsert('Pod', rawPod('ns-a', 'p', { nodeName: 'n2', requests: { cpu: '2' } }), 'test');
    expect(used(store, 'a')).toEqual({ 'count/pods': '1', pods: '1', 'requests.cpu': '2' });
    expect(store.podsOnNode('n1').size).toBe(0);
    expect([...store.podsOnNode('n2').keys()]).toEqual(['ns-a/p']);
    expect(Object.fromEntries(store.departmentsOnNode('n2'))).toEqual({ a: 1 });
    store.remove('Pod', { metadata: { namespace: 'ns-a', name: 'p' } }, 'test');
    expect(used(store, 'a')).toEqual({});
    expect(store.pod('ns-a', 'p')).toBeUndefined();
    expect(store.departmentsOnNode('n2').size).toBe(0);
  });

  it('stops counting a pod that becomes terminal, but for count/pods (every pod in storage)', () => {
    const store = storeWith((s) =>
      s.upsert('Pod', rawPod('ns-a', 'p', { nodeName: 'n1', requests: { cpu: '1' } }), 'test'),
    );
    store.upsert(
      'Pod',
      rawPod('ns-a', 'p', { nodeName: 'n1', requests: { cpu: '1' }, phase: 'Succeeded' }),
      'test',
    );
    expect(used(store, 'a')).toEqual({ 'count/pods': '1' });
    expect(store.podsOnNode('n1').size).toBe(0);
    expect(store.pod('ns-a', 'p')?.terminal).toBe(true);
  });

  it('counts claims whatever their phase', () => {
    const store = storeWith();
    store.upsert('PersistentVolumeClaim', rawPvc('ns-a', 'c', '10Gi', { phase: 'Pending' }), 'test');
    store.upsert('PersistentVolumeClaim', rawPvc('ns-a', 'd', '1Gi'), 'test');
    store.upsert('PersistentVolumeClaim', rawPvc('ns-a', 'd', '2Gi'), 'test');
    expect(used(store, 'a')).toEqual({ persistentvolumeclaims: '2', 'requests.storage': '12Gi' });
    expect(store.pvc('ns-a', 'd')?.requestedStorage).toBe(2n * 1024n ** 3n * 10n ** 9n);
    store.remove('PersistentVolumeClaim', rawPvc('ns-a', 'c', '10Gi'), 'test');
    expect(used(store, 'a')).toEqual({ persistentvolumeclaims: '1', 'requests.storage': '2Gi' });
  });

  it('counts each claim in whole bytes, rounded up, as ResourceQuota does', () => {
    const store = storeWith();
    store.upsert('PersistentVolumeClaim', rawPvc('ns-a', 'c', '1500m', { storageClass: 'gold' }), 'test');
    store.upsert('PersistentVolumeClaim', rawPvc('ns-a', 'd', '1500m', { storageClass: 'gold' }), 'test');
    expect(used(store, 'a')).toEqual({
      persistentvolumeclaims: '2',
      'requests.storage': '4',
      'gold.storageclass.storage.k8s.io/persistentvolumeclaims': '2',
      'gold.storageclass.storage.k8s.io/requests.storage': '4',
    });
  });

  it('counts claims under their StorageClass too, and a claim without one under no class', () => {
    const gold = (resource: string) => `gold.storageclass.storage.k8s.io/${resource}`;
    const store = storeWith();
    store.upsert('PersistentVolumeClaim', rawPvc('ns-a', 'c', '10Gi', { storageClass: 'gold' }), 'test');
    store.upsert('PersistentVolumeClaim', rawPvc('ns-a', 'd', '1Gi', { storageClass: 'gold' }), 'test');
    store.upsert('PersistentVolumeClaim', rawPvc('ns-a', 'e', '4Gi'), 'test');
    store.upsert('PersistentVolumeClaim', rawPvc('ns-a', 'd', '2Gi', { storageClass: 'gold' }), 'test');
    expect(used(store, 'a')).toEqual({
      persistentvolumeclaims: '3',
      'requests.storage': '16Gi',
      [gold('persistentvolumeclaims')]: '2',
      [gold('requests.storage')]: '12Gi',
    });
    store.remove('PersistentVolumeClaim', rawPvc('ns-a', 'c', '10Gi'), 'test');
    expect(formatUsage(store.usageOfNamespace('ns-a'))).toEqual({
      persistentvolumeclaims: '2',
      'requests.storage': '6Gi',
      [gold('persistentvolumeclaims')]: '1',
      [gold('requests.storage')]: '2Gi',
    });
  });

  it('keeps the last good pod when a new version cannot be read, and reports it', () => {
    const store = storeWith((s) => s.upsert('Pod', rawPod('ns-a', 'p', { requests: { cpu: '1' } }), 'test'));
    store.upsert('Pod', rawPod('ns-a', 'p', { requests: { cpu: 'one' } }), 'watch');
    expect(used(store, 'a')).toMatchObject({ 'requests.cpu': '1' });
    expect(store.problems()).toEqual([
      expect.objectContaining({
        source: 'watch',
        kind: 'Pod',
        namespace: 'ns-a',
        name: 'p',
        field: '/spec/containers/0/resources/requests/cpu',
      }),
    ]);
    store.upsert('Pod', rawPod('ns-a', 'p', { requests: { cpu: '2' } }), 'watch');
    expect(store.problems()).toEqual([]);
  });

  it('reports an object without a name and carries on', () => {
    const store = new SnapshotStore();
    store.upsert('Pod', { metadata: { name: 'p' } }, 'watch');
    store.remove('Node', {}, 'watch');
    expect(store.problems().map((p) => [p.kind, p.field])).toEqual([
      ['Pod', '/metadata'],
      ['Node', '/metadata'],
    ]);
  });
});

describe('SnapshotStore: policies', () => {
  it('adds, modifies and deletes a department, recomputing its namespaces', () => {
    const store = storeWith((s) => s.upsert('Namespace', rawNamespace('shared', { team: 'x' }), 'test'));
    store.upsert(
      'Department',
      rawDepartment('a', { namespaceSelector: { matchLabels: { team: 'x' } } }, T1),
      'test',
    );
    expect(store.departmentOfNamespace('shared')).toBe('a');
    expect(store.departmentOfNamespace('ns-a')).toBeUndefined();
    expect(store.department('a')?.spec.namespaceSelector).toBeDefined();
    store.remove('Department', rawDepartment('a'), 'test');
    expect(store.department('a')).toBeUndefined();
    expect(store.departmentOfNamespace('shared')).toBeUndefined();
    expect([...store.departments()].map((d) => d.metadata.name)).toEqual(['b']);
  });

  it('keeps the last good department when a new version is invalid, and reports it', () => {
    const store = storeWith();
    store.upsert('Department', rawDepartment('a', { nodeIsolation: 'bogus' }, T1), 'watch');
    expect(store.department('a')?.spec).toEqual({});
    expect(store.departmentOfNamespace('ns-a')).toBe('a');
    expect(store.problems()).toEqual([
      expect.objectContaining({ kind: 'Department', name: 'a', field: '/spec/nodeIsolation' }),
    ]);
    store.upsert('Department', rawDepartment('a', { nodeIsolation: 'dedicated' }, T1), 'watch');
    expect(store.department('a')?.spec.nodeIsolation).toBe('dedicated');
    expect(store.problems()).toEqual([]);
  });

  it('gives a newer department claiming namespaces others own none of them, until the conflict goes', () => {
    const store = storeWith();
    const greedy = rawDepartment(
      'c',
      { namespaceSelector: { matchExpressions: [{ key: 'corral.dev/department', operator: 'Exists' }] } },
      T2,
    );
    store.upsert('Department', greedy, 'watch');
    store.upsert('Namespace', rawNamespace('ns-c', dept('c')), 'test');
    expect(store.departmentOfNamespace('ns-a')).toBe('a');
    expect(store.departmentOfNamespace('ns-b')).toBe('b');
    expect(store.departmentOfNamespace('ns-c')).toBe('c');
    expect(store.problems()).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: 'Department', name: 'c' })]),
    );
    store.remove('Department', rawDepartment('a'), 'watch');
    store.remove('Department', rawDepartment('b'), 'watch');
    expect(store.departmentOfNamespace('ns-a')).toBe('c');
    expect(store.problems()).toEqual([]);
  });

  it('given a namespace claimed by two departments at the first list (a restart), keeps both departments', () => {
    // What a running service keeps after a relabel, a restarted one must keep too.
    const store = new SnapshotStore();
    const teamB = { team: 'b' };
    store.replaceAll(
      'Namespace',
      [rawNamespace('shared', { ...teamB, ...dept('a') }), rawNamespace('b-1', teamB)],
      'list',
    );
    const b = rawDepartment('b', { namespaceSelector: { matchLabels: teamB } }, T2);
    store.replaceAll('Department', [rawDepartment('a', {}, T1), b], 'list');
    expect(store.department('b')).toBeDefined();
    expect(store.departmentOfNamespace('shared')).toBe('a');
    expect(store.departmentOfNamespace('b-1')).toBe('b');
    expect(store.problems()).toEqual([
      expect.objectContaining({ kind: 'Department', name: 'b', field: '/spec/namespaceSelector' }),
    ]);
  });

  it('gives a namespace relabelled into two departments to the oldest, and reports it', () => {
    const store = storeWith();
    store.upsert(
      'Department',
      rawDepartment('b', { namespaceSelector: { matchLabels: { team: 'x' } } }, T2),
      'test',
    );
    store.upsert('Pod', rawPod('ns-a', 'p', { nodeName: 'n1' }), 'test');
    store.upsert('Namespace', rawNamespace('ns-a', { ...dept('a'), team: 'x' }), 'test');
    expect(store.departmentOfNamespace('ns-a')).toBe('a');
    expect(used(store, 'b')).toEqual({});
    expect(store.problems()).toEqual([
      expect.objectContaining({ kind: 'Department', name: 'b', field: '/spec/namespaceSelector' }),
    ]);
  });

  it('serves one NamespacePolicy per namespace: a second one is refused', () => {
    const store = storeWith();
    store.upsert('NamespacePolicy', rawNamespacePolicy('ns-a', 'p1', { enforcement: 'warn' }, T1), 'test');
    store.upsert('NamespacePolicy', rawNamespacePolicy('ns-a', 'p2', { enforcement: 'audit' }, T2), 'test');
    expect(store.namespacePolicy('ns-a')?.metadata.name).toBe('p1');
    expect(store.problems()).toEqual([expect.objectContaining({ kind: 'NamespacePolicy', name: 'p2' })]);
    store.upsert('NamespacePolicy', rawNamespacePolicy('ns-a', 'p1', { enforcement: 'enforce' }, T1), 'test');
    expect(store.namespacePolicy('ns-a')?.spec.enforcement).toBe('enforce');
    store.remove('NamespacePolicy', rawNamespacePolicy('ns-a', 'p1'), 'test');
    expect(store.namespacePolicy('ns-a')?.metadata.name).toBe('p2');
    expect(store.problems()).toEqual([]);
  });

  it('accepts Date timestamps from client-node', () => {
    const store = new SnapshotStore();
    const department = { ...rawDepartment('a'), metadata: { name: 'a', creationTimestamp: new Date(T1) } };
    store.upsert('Department', department, 'cluster');
    expect(store.department('a')?.metadata.creationTimestamp).toBe('2024-01-01T00:00:00.000Z');
  });
});

describe('SnapshotStore: replaceAll and notifications', () => {
  it('diffs a relist: no double counting, absent objects removed', () => {
    const store = storeWith();
    const pods = [rawPod('ns-a', 'p', { nodeName: 'n1' }), rawPod('ns-a', 'q', { nodeName: 'n1' })];
    store.replaceAll('Pod', pods, 'list');
    const revision = store.revision;
    store.replaceAll('Pod', pods, 'relist');
    expect(store.revision).toBe(revision);
    expect(used(store, 'a')).toEqual({ 'count/pods': '2', pods: '2' });
    store.replaceAll('Pod', [pods[1]], 'relist');
    expect(used(store, 'a')).toEqual({ 'count/pods': '1', pods: '1' });
    expect([...store.podsOnNode('n1').keys()]).toEqual(['ns-a/q']);
  });

  it('applies departments oldest first, whatever the list order', () => {
    const store = new SnapshotStore();
    store.upsert('Namespace', rawNamespace('ns', { team: 'x' }), 'test');
    const selector = { namespaceSelector: { matchLabels: { team: 'x' } } };
    store.replaceAll(
      'Department',
      [rawDepartment('young', selector, T2), rawDepartment('old', selector, T1)],
      'list',
    );
    expect(store.departmentOfNamespace('ns')).toBe('old');
    expect(store.department('young')).toBeDefined(); // kept, with no namespace: a claim is settled per namespace
  });

  it('forgets a refused or waiting policy object a relist no longer holds', () => {
    const store = storeWith((s) =>
      s.upsert('Department', rawDepartment('bad', { nodeIsolation: 'nope' }), 'w'),
    );
    const p1 = rawNamespacePolicy('ns-a', 'p1', { enforcement: 'warn' }, T1);
    store.replaceAll(
      'NamespacePolicy',
      [p1, rawNamespacePolicy('ns-a', 'p2', { enforcement: 'audit' }, T2)],
      'list',
    );
    expect(
      store
        .problems()
        .map((p) => p.name)
        .sort(),
    ).toEqual(['bad', 'p2']);
    store.replaceAll('NamespacePolicy', [p1], 'relist');
    store.replaceAll('Department', [rawDepartment('a', {}, T1), rawDepartment('b', {}, T2)], 'relist');
    expect(store.problems()).toEqual([]);
    store.remove('NamespacePolicy', p1, 'watch');
    expect(store.namespacePolicy('ns-a')).toBeUndefined();
  });

  it('does not bring back a department that waited on a shared pool and was deleted meanwhile', () => {
    const store = new SnapshotStore();
    const storage = { storage: { pool: 'rbd', radosNamespace: 'x' } };
    const older = rawDepartment('a', storage, T1);
    store.replaceAll('Department', [older, rawDepartment('b', storage, T2)], 'list');
    expect([...store.departments()].map((d) => d.metadata.name)).toEqual(['a']);
    store.replaceAll('Department', [older], 'relist');
    store.remove('Department', older, 'watch');
    expect([...store.departments()]).toEqual([]);
    expect(store.problems()).toEqual([]);
  });

  it('notifies once per change, never for a no-op, and survives a throwing listener', () => {
    const errors: unknown[] = [];
    const store = new SnapshotStore({ onListenerError: (error) => errors.push(error) });
    const seen: unknown[] = [];
    store.onChange(() => {
      throw new Error('boom');
    });
    const stop = store.onChange((change) => seen.push(change));
    store.upsert('Node', rawNode('n1'), 'test');
    store.upsert('Node', rawNode('n1'), 'test');
    store.replaceAll('Pod', [rawPod('ns', 'a'), rawPod('ns', 'b')], 'test');
    stop();
    store.remove('Node', rawNode('n1'), 'test');
    expect(seen).toEqual([
      { revision: 1, kind: 'Node' },
      { revision: 3, kind: 'Pod' },
    ]);
    expect(errors).toHaveLength(3);
  });
  it('tells onApplied listeners of each core object added or changed, visible already, once, and of each pod or claim removed', () => {
    const errors: unknown[] = [];
    const store = new SnapshotStore({ onListenerError: (error) => errors.push(error) });
    const seen: string[] = [];
    store.onApplied(() => {
      throw new Error('boom');
    });
    const stop = store.onApplied(({ kind, key, removedUid }) => {
      const [namespace = '', name = ''] = key.split('/');
      const visible = kind === 'Pod' ? store.pod(namespace, name) : store.pvc(namespace, name);
      const removed = removedUid === undefined ? '' : ` removed uid ${removedUid}`;
      seen.push(`${kind} ${key} ${visible ? 'visible' : 'missing'} r${store.revision}${removed}`);
    });
    store.replaceAll('Pod', [rawPod('ns', 'a'), rawPod('ns', 'b')], 'test');
    store.upsert('Pod', rawPod('ns', 'a'), 'test'); // no-op: not told
    store.upsert('Pod', rawPod('ns', 'a', { phase: 'Succeeded' }), 'test');
    const session = store.beginReplace('PersistentVolumeClaim', 'test');
    session.page([rawPvc('ns', 'c', '1Gi')]);
    session.end();
    store.upsert('Department', rawDepartment('d', {}, T1), 'test'); // policies: not told
    store.upsert('Pod', { metadata: { name: 'unnamed' } }, 'test'); // unreadable: not told
    store.remove('Pod', rawPod('ns', 'b'), 'test'); // a removal: told, with the uid
    store.remove('Pod', rawPod('ns', 'b'), 'test'); // no longer held: not told
    store.replaceAll('PersistentVolumeClaim', [], 'relist'); // gone at a relist: told
    stop();
    store.upsert('Pod', rawPod('ns', 'z'), 'test');
    expect(seen).toEqual([
      'Pod ns/a visible r1',
      'Pod ns/b visible r2',
      'Pod ns/a visible r3',
      'PersistentVolumeClaim ns/c visible r4',
      'Pod ns/b missing r6 removed uid uid-ns-b',
      'PersistentVolumeClaim ns/c missing r7 removed uid ',
    ]);
    expect(errors).toHaveLength(7);
  });

  it('given a relist holding a pod or claim of another uid under the same name, tells listeners the earlier one was removed', () => {
    // Deleted and created again while the watch was down (its 410 relist): the events say so; the relist must too.
    const store = new SnapshotStore();
    const seen: string[] = [];
    store.onApplied(({ kind, key, removedUid }) => {
      const [namespace = '', name = ''] = key.split('/');
      const visible = kind === 'Pod' ? store.pod(namespace, name) : store.pvc(namespace, name);
      seen.push(
        `${kind} ${key} ${removedUid === undefined ? 'applied' : `removed ${removedUid}`} (${visible?.uid})`,
      );
    });
    store.replaceAll('Pod', [rawPod('ns', 'a', { uid: 'u1' })], 'test');
    store.replaceAll('Pod', [rawPod('ns', 'a', { uid: 'u2' })], 'relist');
    const session = store.beginReplace('Pod', 'relist');
    session.page([rawPod('ns', 'a', { uid: 'u3', phase: 'Succeeded' })]);
    session.end();
    store.upsert('Pod', rawPod('ns', 'a', { uid: 'u3' }), 'test'); // same pod changed: no removal
    store.upsert('PersistentVolumeClaim', rawPvc('ns', 'c', '1Gi', { uid: 'c1' }), 'test');
    store.replaceAll('PersistentVolumeClaim', [rawPvc('ns', 'c', '1Gi', { uid: 'c2' })], 'relist');
    expect(seen).toEqual([
      'Pod ns/a applied (u1)',
      'Pod ns/a removed u1 (u2)',
      'Pod ns/a applied (u2)',
      'Pod ns/a removed u2 (u3)',
      'Pod ns/a applied (u3)',
      'Pod ns/a applied (u3)',
      'PersistentVolumeClaim ns/c applied (c1)',
      'PersistentVolumeClaim ns/c removed c1 (c2)',
      'PersistentVolumeClaim ns/c applied (c2)',
    ]);
  });
});
