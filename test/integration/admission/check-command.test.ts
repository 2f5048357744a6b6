import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { commands } from '@corral/admission';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const HERE = 'test/integration/admission/manifests';

async function run(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await commands.check(args, {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    env: {},
    cwd: ROOT,
  });
  return { code, out: out.join(''), err: err.join('') };
}

describe('corral check (through commands.check)', () => {
  it('given denied manifests, exits 1 and names each rule, with warnings and diffs', async () => {
    const { code, out } = await run(['-f', `${HERE}/mixed.yaml`, '--policies', 'examples']);
    expect(code).toBe(1);
    expect(out).toMatch(/DENIED {2}Deployment web-prod\/shop[\s\S]*denied {2}\[image-forbid-latest\]/);
    expect(out).toMatch(/ALLOWED Pod web-staging\/preview[\s\S]*warning \[image-forbid-latest\]/);
    expect(out).toMatch(/Pod finance-dev\/gpu-job[\s\S]*\[department-quota\].*requests.nvidia.com\/gpu/);
    expect(out).toContain('3 object(s) checked, 1 denied');
  });

  it('given clean manifests, exits 0 and shows the patch as a readable diff', async () => {
    const { code, out } = await run(['-f', `${HERE}/clean.yaml`, '--policies', 'examples']);
    expect(code).toBe(0);
    expect(out).toContain('+ /spec/imagePullSecrets = [{"name":"harbor-finance"}]');
    expect(out).toContain('+ /metadata/labels/corral.dev~1department = "finance"');
    expect(out).toContain(
      '+ /spec/containers/0/resources = {"requests":{"cpu":"100m","memory":"128Mi"},"limits":{"cpu":"1","memory":"512Mi"}}',
    );
  });

  it("given the examples' own workloads, admits them all", async () => {
    const { code, out } = await run([
      '-f',
      'examples/workloads-finance.yaml',
      '-f',
      'examples/workloads-research.yaml',
      '--policies',
      'examples',
    ]);
    expect(out).not.toContain('DENIED');
    expect(code).toBe(0);
  });

  it('given broken policies, exits 2 with the problem report', async () => {
    const { code, err } = await run([
      '-f',
      `${HERE}/clean.yaml`,
      '--policies',
      'test/fixtures/policies-broken',
    ]);
    expect(code).toBe(2);
    expect(err).toMatch(/have problems/);
  });

  const usage: [string, string[], RegExp][] = [
    ['no -f', ['--policies', 'examples'], /-f MANIFESTS is required/],
    ['no --policies', ['-f', 'x.yaml'], /--policies PATH is required/],
    ['an unknown flag', ['--nope'], /Unknown option/],
    ['a missing file', ['-f', 'nope.yaml', '--policies', 'examples'], /cannot read/],
  ];
  it.each(usage)('given %s, exits 2 saying what is wrong', async (_what, args, message) => {
    const { code, err } = await run(args);
    expect(code).toBe(2);
    expect(err).toMatch(message);
  });

  it('given a Deployment and a Pod whose container requests more than the default limit, warns each once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'corral-check-'));
    const file = join(dir, 'big.yaml');
    const image = `harbor.example.com/finance/payments/api:1@sha256:${'e'.repeat(64)}`;
    const podSpec = `containers: [{name: app, image: "${image}", resources: {requests: {cpu: "3"}}}]`;
    writeFileSync(
      file,
      [
        'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: big, namespace: finance-prod}\n' +
          `spec: {selector: {matchLabels: {app: big}}, template: {metadata: {labels: {app: big}}, spec: {${podSpec}}}}`,
        `apiVersion: v1\nkind: Pod\nmetadata: {name: big-pod, namespace: finance-prod}\nspec: {${podSpec}}`,
      ].join('\n---\n'),
    );
    const { out } = await run(['-f', file, '--policies', 'examples']).finally(() =>
      rmSync(dir, { recursive: true, force: true }),
    );
    const warning =
      'warning [default-limits] containers[0] "app": no default cpu limit 1: its request 3 is above it';
    const reports = out.split(/\n(?=ALLOWED|DENIED)/);
    expect(reports).toHaveLength(2);
    const [deployment, pod] = reports;
    expect(deployment).toMatch(/^ALLOWED Deployment finance-prod\/big/);
    expect(deployment?.split(warning).length).toBe(2);
    expect(pod).toMatch(/^(ALLOWED|DENIED ) Pod finance-prod\/big-pod/);
    expect(pod?.split(warning).length).toBe(2);
  });

  it('given documents that are not objects, exits 2 naming each; empty documents are fine', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'corral-check-'));
    const file = join(dir, 'odd.yaml');
    writeFileSync(
      file,
      [
        'just a string',
        '- a\n- list',
        '# only a comment',
        'apiVersion: v1\nkind: List\nitems:\n  - 42',
        '',
      ].join('\n---\n'),
    );
    const { code, err } = await run(['-f', file, '--policies', 'examples']);
    expect(code).toBe(2);
    expect(err).toMatch(/document 1\): is a string, not a Kubernetes object/);
    expect(err).toMatch(/document 2\): is a list, not a Kubernetes object/);
    expect(err).toMatch(/document 4\): items\[0\] is a number, not a Kubernetes object/);
    expect(err).not.toMatch(/document [35]/);
  });
});
