import { fileURLToPath } from 'node:url';
import { SnapshotStore, startFileSource } from '@corral/cluster';

export const EXAMPLES_DIR = fileURLToPath(new URL('../../../examples/', import.meta.url));

/** The examples/ cluster (3 departments, 12 nodes, 28 pods) loaded into a snapshot. */
export async function examplesCluster(): Promise<SnapshotStore> {
  const store = new SnapshotStore();
  const source = await startFileSource({
    path: EXAMPLES_DIR,
    sink: store,
    watch: false,
    onProblems: () => undefined,
  });
  await source.stop();
  return store;
}
