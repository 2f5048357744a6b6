import type { PolicyProblem } from '@corral/policy';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClusterError } from '../../errors.js';
import { SnapshotStore } from '../../store/snapshot-store.js';
import { startFileSource, type FileSource } from './file-source.js';

let dir: string;
let source: FileSource | undefined;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'corral-source-'));
});
afterEach(async () => {
  await source?.stop();
  source = undefined;
  await rm(dir, { recursive: true, force: true });
});

const department = (isolation: string) =>
  `apiVersion: corral.dev/v1alpha1\nkind: Department\nmetadata: {name: finance}\nspec: {nodeIsolation: ${isolation}}\n`;
const pod = (cpu: string) =>
  `apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: finance-prod}\nspec: {nodeName: n1, containers: [{name: c, resources: {requests: {cpu: "${cpu}"}}}]}\n`;
const namespace =
  'apiVersion: v1\nkind: Namespace\nmetadata: {name: finance-prod, labels: {corral.dev/department: finance}}\n';

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function start(store: SnapshotStore, problems: PolicyProblem[][] = []): Promise<FileSource> {
  source = await startFileSource({
    path: dir,
    sink: store,
    watch: true,
    debounceMs: 20,
    pollIntervalMs: 100,
    onProblems: (found) => problems.push([...found]),
  });
  return source;
}

describe('startFileSource', () => {
  it('fills the sink from the files', async () => {
    await writeFile(join(dir, 'all.yaml'), [department('dedicated'), namespace, pod('1')].join('---\n'));
    const store = new SnapshotStore();
    await start(store);
    expect(store.department('finance')?.spec.nodeIsolation).toBe('dedicated');
    expect(store.usageOfDepartment('finance').get('requests.cpu')).toBe(1_000_000_000n);
    expect(store.problems()).toEqual([]);
  });

  it('refuses to start on broken files, listing every problem', async () => {
    await writeFile(join(dir, 'a.yaml'), department('loose'));
    await writeFile(join(dir, 'b.yaml'), pod('lots'));
    const error = await startFileSource({
      path: dir,
      sink: new SnapshotStore(),
      watch: false,
      onProblems: () => {},
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClusterError);
    expect((error as ClusterError).code).toBe('CLUSTER_ERR_POLICY_FILES');
    expect((error as ClusterError).problems).toHaveLength(2);
    expect((error as Error).message).toContain(
      'a.yaml (document 1): Department finance: /spec/nodeIsolation',
    );
    expect((error as Error).message).toContain(
      'b.yaml (document 1): Pod finance-prod/p: /spec/containers/0/resources/requests/cpu',
    );
  });

  it('applies a good edit as a diff', async () => {
    await writeFile(join(dir, 'all.yaml'), [department('dedicated'), namespace, pod('1')].join('---\n'));
    const store = new SnapshotStore();
    await start(store);
    await writeFile(join(dir, 'all.yaml'), [department('shared'), namespace, pod('2')].join('---\n'));
    await until(() => store.department('finance')?.spec.nodeIsolation === 'shared');
    expect(store.usageOfDepartment('finance').get('requests.cpu')).toBe(2_000_000_000n);
    expect(store.usageOfDepartment('finance').get('pods')).toBe(1_000_000_000n);
  });

  it('keeps the current snapshot on a broken edit and reports it, then takes the fix', async () => {
    await writeFile(join(dir, 'all.yaml'), [department('dedicated'), namespace].join('---\n'));
    const store = new SnapshotStore();
    const problems: PolicyProblem[][] = [];
    await start(store, problems);
    const revision = store.revision;
    await writeFile(join(dir, 'all.yaml'), [department('loose'), namespace].join('---\n'));
    await until(() => problems.length > 0);
    expect(problems[0]).toEqual([
      expect.objectContaining({ kind: 'Department', field: '/spec/nodeIsolation' }),
    ]);
    expect(store.revision).toBe(revision);
    expect(store.department('finance')?.spec.nodeIsolation).toBe('dedicated');
    await writeFile(join(dir, 'all.yaml'), [department('shared'), namespace].join('---\n'));
    await until(() => store.department('finance')?.spec.nodeIsolation === 'shared');
  });

  it('owns only the kinds it is given', async () => {
    await writeFile(join(dir, 'all.yaml'), [department('dedicated'), namespace].join('---\n'));
    const store = new SnapshotStore();
    store.upsert('Namespace', { metadata: { name: 'from-cluster' } }, 'cluster');
    source = await startFileSource({
      path: dir,
      sink: store,
      watch: false,
      onProblems: () => {},
      kinds: ['Department'],
    });
    // The cluster's Namespace stays (the file source does not own Namespaces), the file's is ignored.
    expect(store.namespace('from-cluster')?.name).toBe('from-cluster');
    expect(store.namespace('finance-prod')).toBeUndefined();
    expect(store.department('finance')?.spec.nodeIsolation).toBe('dedicated');
  });

  it('starts with a kustomization in the folder, telling onNotes it was skipped', async () => {
    await writeFile(join(dir, 'all.yaml'), department('dedicated'));
    await writeFile(join(dir, 'kustomization.yaml'), 'resources: [all.yaml]\n');
    const notes: (readonly string[])[] = [];
    source = await startFileSource({
      path: dir,
      sink: new SnapshotStore(),
      watch: false,
      onProblems: () => {},
      onNotes: (found) => notes.push(found),
    });
    expect(notes).toEqual([
      [expect.stringMatching(/kustomization\.yaml: skipped, a kustomization is not policy/)],
    ]);
  });

  it('stops watching on stop()', async () => {
    await writeFile(join(dir, 'all.yaml'), department('dedicated'));
    const store = new SnapshotStore();
    const running = await start(store);
    await running.stop();
    await writeFile(join(dir, 'all.yaml'), department('shared'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(store.department('finance')?.spec.nodeIsolation).toBe('dedicated');
    expect(await running.reload()).toBe(false);
  });
});
