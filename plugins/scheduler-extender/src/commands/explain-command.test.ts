import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { commands } from './index.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

function captureIo() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t), env: {}, cwd: ROOT },
    out,
    err,
  };
}

/** Scratch directories of this file, removed after it. */
const scratch: string[] = [];
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});
function scratchDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'corral-explain-'));
  scratch.push(dir);
  return dir;
}

function manifest(yaml: string): string {
  const dir = scratchDir();
  const path = join(dir, 'manifest.yaml');
  writeFileSync(path, yaml);
  return path;
}

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata: {name: etl, namespace: research-batch}
spec:
  selector: {matchLabels: {app: etl}}
  template:
    metadata: {labels: {app: etl}}
    spec: {containers: [{name: a, image: x}]}
`;

describe('corral explain on workloads', () => {
  it('given a Deployment, explains its pod template in its namespace and says so; exit 0', async () => {
    const { io, out, err } = captureIo();
    expect(await commands.explain([manifest(DEPLOYMENT), '--policies', 'examples'], io)).toBe(0);
    const text = out.join('');
    expect(text).toContain(
      'pod template of Deployment research-batch/etl (department research): fits 3 of 12 nodes',
    );
    expect(text).toMatch(/research-c-1\s+fits\s+\S+\s+10\s/);
    expect(err).toEqual([]);
  });

  it('given a file of a CronJob, a Service and a Pod, explains the template and the pod and names what it skipped', async () => {
    const cronJob = `apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly, namespace: finance-dev}
spec:
  jobTemplate:
    spec:
      template:
        spec: {containers: [{name: a, image: x}]}
`;
    const service = 'apiVersion: v1\nkind: Service\nmetadata: {name: etl, namespace: research-batch}\n';
    const pod =
      'apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: research-batch}\nspec: {containers: [{name: a}]}\n';
    const { io, out } = captureIo();
    const path = manifest([cronJob, service, pod].join('---\n'));
    expect(await commands.explain([path, '--policies', 'examples'], io)).toBe(0);
    const text = out.join('');
    expect(text).toContain(
      'pod template of CronJob finance-dev/nightly (department finance): fits 3 of 12 nodes',
    );
    expect(text).toContain('pod research-batch/p (department research): fits 3 of 12 nodes');
    expect(text.indexOf('CronJob finance-dev/nightly')).toBeLessThan(text.indexOf('pod research-batch/p'));
    expect(text).toMatch(/\nnot explained \(no pod or pod template\): Service research-batch\/etl\n$/);
  });

  it('given a folder instead of a file, gives the reason and says a file is expected; exit 2', async () => {
    const dir = scratchDir();
    const { io, err } = captureIo();
    expect(await commands.explain([dir, '--policies', 'examples'], io)).toBe(2);
    expect(err.join('')).toBe(
      `corral explain: EXT_ERR_EXPLAIN_INPUT: cannot read ${dir}: EISDIR: illegal operation on a directory, ` +
        'read: it is a folder; give one YAML file of Pods or workloads\n',
    );
  });

  it('given a file that does not exist, gives the reason; exit 2', async () => {
    const missing = join(scratchDir(), 'nope.yaml');
    const { io, err } = captureIo();
    expect(await commands.explain([missing, '--policies', 'examples'], io)).toBe(2);
    expect(err.join('')).toContain(`cannot read ${missing}: ENOENT: no such file or directory`);
  });
});

describe('corral explain without policy files', () => {
  it.each([
    ['no flag', []],
    ['a kubeconfig', ['--kubeconfig', '/nowhere/kubeconfig']],
    ['--in-cluster', ['--in-cluster']],
  ])('given %s, asks for --policies only (explain works offline); exit 2', async (_name, flags) => {
    const { io, err } = captureIo();
    expect(await commands.explain([manifest(DEPLOYMENT), ...flags], io)).toBe(2);
    expect(err.join('')).toBe(
      'corral explain: invalid configuration (1 problem):\n  - explain works offline: give --policies PATH\n',
    );
  });

  it('given serving flags beside --policies (--bind), explains instead of asking for a cluster; exit 0', async () => {
    const { io, out, err } = captureIo();
    expect(await commands.explain([manifest(DEPLOYMENT), '--policies', 'examples', '--bind'], io)).toBe(0);
    expect(out.join('')).toContain('pod template of Deployment research-batch/etl');
    expect(err).toEqual([]);
  });
});
