import { fileURLToPath } from 'node:url';
import { loadPolicyFiles, SnapshotStore } from '@corral/cluster';

const KINDS = ['Node', 'Namespace', 'Department', 'NamespacePolicy', 'Pod', 'PersistentVolumeClaim'] as const;

/** The repository's examples/ folder: 3 departments, 9 namespaces, 12 nodes, 28 pods. */
export const EXAMPLES_DIR = fileURLToPath(new URL('../../../../examples/', import.meta.url));

/** Given a folder of policy YAML, returns a snapshot store holding it (throws listing every problem). */
export async function snapshotFromFiles(path: string = EXAMPLES_DIR): Promise<SnapshotStore> {
  const loaded = await loadPolicyFiles(path);
  if (loaded.problems.length > 0) {
    throw new Error(`policy files have problems: ${loaded.problems.map((p) => p.message).join('; ')}`);
  }
  const store = new SnapshotStore();
  for (const kind of KINDS) store.replaceAll(kind, loaded.objects[kind], path);
  return store;
}

/** A pod-shaped AdmissionRequest for tests. */
export function podRequest(
  namespace: string,
  spec: Record<string, unknown>,
  options: {
    name?: string;
    labels?: Record<string, string>;
    operation?: 'CREATE' | 'UPDATE';
    dryRun?: boolean;
    uid?: string;
    /** The object's metadata.uid (kube-apiserver sets it before validating a CREATE). */
    objectUid?: string;
  } = {},
) {
  const name = options.name ?? 'test-pod';
  return {
    uid: options.uid ?? `uid-${namespace}-${name}`,
    kind: { group: '', version: 'v1', kind: 'Pod' },
    namespace,
    name,
    operation: options.operation ?? 'CREATE',
    ...(options.dryRun ? { dryRun: true } : {}),
    object: {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name,
        namespace,
        labels: options.labels ?? {},
        ...(options.objectUid === undefined ? {} : { uid: options.objectUid }),
      },
      spec,
    },
  } as const;
}
