import { describe, expect, it } from 'vitest';
import { checkManifests } from './check.js';
import { loadCheckSnapshot } from './check-snapshot.js';

async function titles(objects: Record<string, unknown>[], namespace?: string): Promise<string[]> {
  const loaded = await loadCheckSnapshot('examples', ['nvidia.com/gpu']);
  if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
  const items = objects.map((object, index) => ({ source: `m.yaml (document ${index + 1})`, object }));
  return checkManifests(items, loaded.snapshot, namespace ? { namespace } : {}).objects.map((o) => o.title);
}

const object = (apiVersion: string, kind: string, name: string) => ({ apiVersion, kind, metadata: { name } });

describe('the objects check names', () => {
  it('given cluster-scoped objects of groups the webhooks do not review, names them without a namespace', async () => {
    expect(
      await titles(
        [
          object('storage.k8s.io/v1', 'StorageClass', 'corral-rbd'),
          object('rbac.authorization.k8s.io/v1', 'ClusterRole', 'viewer'),
          object('scheduling.k8s.io/v1', 'PriorityClass', 'high'),
          object('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'departments.corral.dev'),
        ],
        'web-prod',
      ),
    ).toEqual([
      'StorageClass corral-rbd',
      'ClusterRole viewer',
      'PriorityClass high',
      'CustomResourceDefinition departments.corral.dev',
    ]);
  });

  it('given namespaced objects without a namespace, names them in -n (default: default)', async () => {
    expect(
      await titles([
        object('rbac.authorization.k8s.io/v1', 'Role', 'viewer'),
        object('v1', 'ConfigMap', 'settings'),
        object('v1', 'Namespace', 'lab'),
        object('corral.dev/v1alpha1', 'Department', 'lab'),
      ]),
    ).toEqual(['Role default/viewer', 'ConfigMap default/settings', 'Namespace lab', 'Department lab']);
  });
});
