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
    // Warned, not refused: finance-prod's quota limits limits.cpu, but a LimitRange could set it.
    expect(deployment).toMatch(/^ALLOWED Deployment finance-prod\/big/);
    expect(deployment).toContain('warning [namespace-quota] every pod of this template is refused unless');
    expect(deployment?.split(warning).length).toBe(2);
    expect(pod).toMatch(/^(ALLOWED|DENIED ) Pod finance-prod\/big-pod/);
    expect(pod?.split(warning).length).toBe(2);
  });

  it('given workloads every pod of which a quota would refuse, refuses too big a pod at apply in enforce mode only, warns of a missing size', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'corral-check-'));
    const file = join(dir, 'quota.yaml');
    const web = 'harbor.example.com/web/storefront:5.2.0';
    const deployment = (name: string, namespace: string, image: string, resources: string) =>
      `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: ${name}, namespace: ${namespace}}\n` +
      `spec: {selector: {matchLabels: {app: ${name}}}, template: {metadata: {labels: {app: ${name}}}, ` +
      `spec: {containers: [{name: app, image: "${image}", resources: ${resources}}]}}}`;
    writeFileSync(
      file,
      [
        // web-prod (enforce): quota limits.cpu 16, default cpu limit 500m below the request.
        deployment('no-limit', 'web-prod', web, '{requests: {cpu: "3"}}'),
        deployment('huge', 'web-prod', web, '{requests: {cpu: "100"}, limits: {cpu: "100"}}'),
        'apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: nightly, namespace: web-prod}\n' +
          'spec: {schedule: "0 3 * * *", jobTemplate: {spec: {template: {spec: {restartPolicy: OnFailure, ' +
          `containers: [{name: job, image: "${web}", resources: {requests: {cpu: "100"}, limits: {cpu: "100"}}}]}}}}}`,
        // web-staging (warn), research-ml (audit): admitted.
        deployment('huge', 'web-staging', web, '{requests: {cpu: "100"}}'),
        deployment(
          'huge',
          'research-ml',
          'harbor.example.com/research/ml/jupyter:2024.06',
          '{requests: {cpu: "100"}}',
        ),
        // web-prod, fitting: admitted.
        deployment('fits', 'web-prod', web, '{requests: {cpu: "3"}, limits: {cpu: "3"}}'),
      ].join('\n---\n'),
    );
    const { code, out } = await run(['-f', file, '--policies', 'examples']).finally(() =>
      rmSync(dir, { recursive: true, force: true }),
    );
    expect(code).toBe(1);
    const reports = out.split(/\n(?=ALLOWED|DENIED)/);
    expect(reports).toHaveLength(6);
    const [noLimit, huge, nightly, staging, research, fits] = reports;
    // A field the quota requires and no default fills: warned (a LimitRange may fill it), not refused.
    expect(noLimit).toMatch(/^ALLOWED Deployment web-prod\/no-limit/);
    expect(noLimit).toContain(
      'warning [namespace-quota] every pod of this template is refused unless a LimitRange of the namespace ' +
        'sets what it lacks: the NamespacePolicy quota of namespace web-prod limits limits.cpu',
    );
    expect(huge).toMatch(/^DENIED {2}Deployment web-prod\/huge/);
    expect(huge).toContain(
      'denied  [namespace-quota] one pod of this template exceeds the NamespacePolicy quota of namespace ' +
        'web-prod on its own, so every pod it makes is refused: requests.cpu 100 of 8; limits.cpu 100 of 16',
    );
    expect(nightly).toMatch(/^DENIED {2}CronJob web-prod\/nightly/);
    expect(nightly).toContain('lower what spec.jobTemplate.spec.template.spec asks');
    expect(staging).toMatch(/^ALLOWED Deployment web-staging\/huge/);
    expect(staging).toContain('warning [namespace-quota] one pod of this template exceeds');
    expect(research).toMatch(/^ALLOWED Deployment research-ml\/huge/);
    expect(research).toContain('audit   [namespace-quota] one pod of this template exceeds');
    expect(research).not.toContain('warning [namespace-quota]');
    expect(fits).toMatch(/^ALLOWED Deployment web-prod\/fits/);
    expect(out).toContain('6 object(s) checked, 2 denied');
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
