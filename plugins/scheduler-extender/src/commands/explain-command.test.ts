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
  it('given no flag, asks for --policies (explain works offline); exit 2', async () => {
    const { io, err } = captureIo();
    expect(await commands.explain([manifest(DEPLOYMENT)], io)).toBe(2);
    expect(err.join('')).toBe(
      'corral explain: invalid configuration (1 problem):\n  - explain works offline: give --policies PATH\n',
    );
  });
});

describe('corral explain given serving flags', () => {
  const TAKES = 'explain works offline and takes only --policies, --system-namespaces, --gpu-resources';
  it.each([
    ['--kubeconfig', ['--kubeconfig', '/nowhere/kubeconfig']],
    ['--in-cluster', ['--in-cluster']],
    ['--bind', ['--policies', 'examples', '--bind']],
    ['--no-bind', ['--policies', 'examples', '--no-bind']],
    ['--listen', ['--policies', 'examples', '--listen', '127.0.0.1:0']],
    ['--tls-cert', ['--policies', 'examples', '--tls-cert=/x.pem', '--tls-key', '/y.pem']],
    ['--tls-client-ca', ['--policies', 'examples', '--tls-client-ca', '/ca.pem']],
    ['--tls-client-name', ['--policies', 'examples', '--tls-client-name', 'scheduler']],
    ['--log-level', ['--policies', 'examples', '--log-level', 'debug']],
  ])('given %s, refuses it by name; exit 2', async (flag, flags) => {
    const { io, out, err } = captureIo();
    expect(await commands.explain([manifest(DEPLOYMENT), ...flags], io)).toBe(2);
    expect(out).toEqual([]);
    expect(err.join('')).toContain(`  - ${flag} is for serving: ${TAKES}`);
  });

  it('given --help, lists only the flags explain reads', async () => {
    const { io, out } = captureIo();
    expect(await commands.explain(['--help'], io)).toBe(0);
    const flags = [...out.join('').matchAll(/^ {2}(?:-h, )?(--[a-z-]+)/gm)].map((match) => match[1]);
    expect(flags).toEqual(['--help', '--config', '--policies', '--system-namespaces', '--gpu-resources']);
  });
});

describe('corral explain reads YAML as kubectl apply does', () => {
  it('given a pod label `no` (a boolean to kubectl), refuses it with the quoting fix; exit 2', async () => {
    const { io, err } = captureIo();
    const path = manifest(DEPLOYMENT.replace('{app: etl}}\n    spec', '{app: etl, gpu: no}}\n    spec'));
    expect(await commands.explain([path, '--policies', 'examples'], io)).toBe(2);
    expect(err.join('')).toContain(
      `${path}: pod template of Deployment research-batch/etl: /metadata/labels/gpu: must be text, not false:`,
    );
    expect(err.join('')).toContain('quote the value');
  });

  it('given a key twice in one mapping, refuses it naming the document and the line; exit 2', async () => {
    const { io, err } = captureIo();
    const path = manifest(
      `---\n${DEPLOYMENT}---\n${DEPLOYMENT.replace('kind: Deployment', 'kind: Deployment\nkind: Job')}`,
    );
    expect(await commands.explain([path, '--policies', 'examples'], io)).toBe(2);
    expect(err.join('')).toContain(
      `${path} (document 2): line 13: key "kind" appears twice in one mapping (kubectl refuses duplicate keys); keep one`,
    );
  });
});
