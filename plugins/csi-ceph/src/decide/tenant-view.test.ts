import type { ClusterSnapshot } from '@corral/cluster';
import { tenantViewOf } from './tenant-view.js';

/** A snapshot that knows only its namespaces, which department owns each and which its label names. */
function snapshotOf(owner: Record<string, string>, labelled: Record<string, string>): ClusterSnapshot {
  return {
    namespace: (ns: string) => (ns in labelled || ns in owner ? { name: ns } : undefined),
    departmentOfNamespace: (ns: string) => owner[ns],
    isolationDepartmentOfNamespace: (ns: string) => owner[ns] ?? labelled[ns],
  } as unknown as ClusterSnapshot;
}

describe('tenantViewOf unservedDepartmentOf', () => {
  const view = tenantViewOf(snapshotOf({ 'fin-prod': 'fin' }, { 'ghost-apps': 'ghost', 'fin-prod': 'fin' }));

  it('given a namespace labelled for a department with no served Department, returns that department', () => {
    expect(view.unservedDepartmentOf?.('ghost-apps')).toBe('ghost');
  });

  it('given a namespace of a served department, or of none, returns undefined', () => {
    expect(view.unservedDepartmentOf?.('fin-prod')).toBeUndefined();
    expect(view.unservedDepartmentOf?.('other')).toBeUndefined();
  });
});

describe('tenantViewOf holdsNamespace', () => {
  const snapshot = snapshotOf({}, { 'ghost-apps': 'ghost' });

  it('given a cluster, tells whether the snapshot holds the namespace', () => {
    const view = tenantViewOf(snapshot, { cluster: true });
    expect(view.holdsNamespace?.('ghost-apps')).toBe(true);
    expect(view.holdsNamespace?.('new-apps')).toBe(false);
  });

  it('given policy files alone, has no holdsNamespace (a namespace they do not name has no department)', () => {
    expect(tenantViewOf(snapshot).holdsNamespace).toBeUndefined();
  });
});
