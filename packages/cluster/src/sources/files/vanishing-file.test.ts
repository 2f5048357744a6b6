import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SnapshotStore } from '../../store/snapshot-store.js';
import { startFileSource } from './file-source.js';
import type * as listFiles from './list-files.js';
import { listPolicyFiles, type FoundFile } from './list-files.js';
import { loadPolicyFiles } from './load-policy-files.js';

// A file that is listed and then gone before it is read (an editor's rename, a ConfigMap update
// swapping its files): the listing is made to hold one such file for as many listings as asked.
let ghosts = 0;
let ghostPath = '';
vi.mock('./list-files.js', async (original) => {
  const real = await original<typeof listFiles>();
  return {
    ...real,
    listPolicyFiles: async (path: string): Promise<FoundFile[]> => {
      const files = await real.listPolicyFiles(path);
      if (ghosts === 0) return files;
      ghosts -= 1;
      return [...files, { path: ghostPath, stamp: '1:1:1' }];
    },
  };
});

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'corral-vanish-'));
  ghostPath = join(dir, 'gone.yaml');
  await writeFile(
    join(dir, 'a.yaml'),
    'apiVersion: corral.dev/v1alpha1\nkind: Department\nmetadata: {name: finance}\nspec: {}\n',
  );
});
afterEach(async () => {
  ghosts = 0;
  await rm(dir, { recursive: true, force: true });
});

describe('a file that vanishes between listing and reading', () => {
  it('is a problem saying the folder changed during the load (a partial set is never applied)', async () => {
    ghosts = 1;
    const loaded = await loadPolicyFiles(dir);
    expect(loaded.problems).toEqual([
      expect.objectContaining({
        source: ghostPath,
        kind: '(file)',
        message:
          'vanished between listing and reading (the folder changed during the load); it is read again at the next change',
      }),
    ]);
  });

  it('does not stop a service from starting: the first load is read again once the folder settled', async () => {
    ghosts = 1;
    const store = new SnapshotStore();
    const source = await startFileSource({ path: dir, sink: store, watch: false, onProblems: () => {} });
    expect(store.department('finance')).toBeDefined();
    expect(await listPolicyFiles(dir)).toHaveLength(1);
    await source.stop();
  });
});
