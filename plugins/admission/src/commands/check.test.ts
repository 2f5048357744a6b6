import { describe, expect, it } from 'vitest';
import type { ManifestObject } from '../effects/read-manifests.js';
import { checkManifests, type CheckReport } from './check.js';
import { loadCheckSnapshot } from './check-snapshot.js';

const manifest = (object: Record<string, unknown>, n = 1): ManifestObject => ({
  source: `test.yaml (document ${n})`,
  object,
});

const department = (name: string, namespace: string): Record<string, unknown> => ({
  apiVersion: 'corral.dev/v1alpha1',
  kind: 'Department',
  metadata: { name },
  spec: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } } },
});

const pod = (namespace: string | undefined, image: string, name = 'p'): Record<string, unknown> => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, ...(namespace ? { namespace } : {}) },
  spec: { containers: [{ name: 'a', image }] },
});

async function examples() {
  const loaded = await loadCheckSnapshot('examples', ['nvidia.com/gpu']);
  if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
  return loaded.snapshot;
}

async function check(objects: Record<string, unknown>[], options = {}): Promise<CheckReport> {
  const items = objects.map((object, index) => manifest(object, index + 1));
  return checkManifests(items, await examples(), options);
}

const verdicts = (report: CheckReport) =>
  report.objects.map((o) => `${o.allowed ? 'ALLOWED' : 'DENIED'} ${o.title}`);

describe('checkManifests', () => {
  it.each(['lab-b', 'zlab', 'a'])(
    'given a new Department %s claiming a namespace of an existing one, denies it whatever its name',
    async (name) => {
      const report = await check([department(name, 'web-prod')]);
      expect(report.denied).toBe(1);
      expect(report.objects[0]?.decisions.map((d) => d.message).join('\n')).toMatch(
        /web-prod is also claimed by Department web \(older\)/,
      );
    },
  );

  it('given a Namespace of department web and then a pod in it, applies the namespace and denies the pod', async () => {
    const namespace = {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'newns', labels: { 'corral.dev/department': 'web' } },
    };
    const report = await check([namespace, pod('newns', 'docker.io/evil/miner:latest')]);
    expect(verdicts(report)).toEqual(['ALLOWED Namespace newns', 'DENIED Pod newns/p']);
    expect(
      report.objects[1]?.decisions.some((d) => d.rule === 'image-registry' && d.outcome === 'fail'),
    ).toBe(true);
  });

  it('given two new Departments claiming the same new namespace, admits the first and denies the second', async () => {
    const namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'lab' } };
    const report = await check([namespace, department('zz-first', 'lab'), department('aa-second', 'lab')]);
    expect(verdicts(report)).toEqual([
      'ALLOWED Namespace lab',
      'ALLOWED Department zz-first',
      'DENIED Department aa-second',
    ]);
    expect(report.objects[2]?.decisions.map((d) => d.message).join('\n')).toMatch(
      /claimed by Department zz-first/,
    );
  });

  it('given a new Namespace and a Department claiming it, the pod after them falls under its image rules', async () => {
    const namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'lab' } };
    const dept = {
      ...department('lab', 'lab'),
      spec: {
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'lab' } },
        images: { allowedRegistries: ['harbor.example.com/lab/'] },
      },
    };
    const report = await check([namespace, dept, pod('lab', 'harbor.example.com/other/app:1')]);
    expect(verdicts(report)).toEqual(['ALLOWED Namespace lab', 'ALLOWED Department lab', 'DENIED Pod lab/p']);
  });

  it('given a new Namespace and its NamespacePolicy, the pod after them falls under the policy', async () => {
    const namespace = {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'lab', labels: { 'corral.dev/department': 'web' } },
    };
    const policy = {
      apiVersion: 'corral.dev/v1alpha1',
      kind: 'NamespacePolicy',
      metadata: { name: 'policy', namespace: 'lab' },
      spec: { enforcement: 'enforce', images: { deniedRegistries: ['harbor.example.com/web/bad/'] } },
    };
    const resources = { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '100m', memory: '64Mi' } };
    const badPod = {
      ...pod('lab', 'harbor.example.com/web/bad/app:1.0'),
      spec: { containers: [{ name: 'a', image: 'harbor.example.com/web/bad/app:1.0', resources }] },
    };
    expect(verdicts(await check([namespace, badPod]))).toEqual([
      'ALLOWED Namespace lab',
      'ALLOWED Pod lab/p',
    ]);
    expect(verdicts(await check([namespace, policy, badPod]))).toEqual([
      'ALLOWED Namespace lab',
      'ALLOWED NamespacePolicy lab/policy',
      'DENIED Pod lab/p',
    ]);
  });

  it('given a pod without a namespace and a default namespace, checks it in that namespace', async () => {
    const report = await check([pod(undefined, 'docker.io/evil/miner:latest')], { namespace: 'web-prod' });
    expect(verdicts(report)).toEqual(['DENIED Pod web-prod/p']);
  });

  it('given a pod without a namespace and no default, checks it in default', async () => {
    const report = await check([pod(undefined, 'docker.io/evil/miner:latest')]);
    expect(verdicts(report)).toEqual(['ALLOWED Pod default/p']);
  });

  it('given a pod in a namespace the policies do not know, admits it with a note saying so', async () => {
    const report = await check([pod('nowhere', 'docker.io/evil/miner:latest')]);
    expect(report.denied).toBe(0);
    expect(report.objects[0]?.notes).toEqual([
      'namespace nowhere is not in the policies: checked as a namespace of no department',
    ]);
  });

  it('given a pod in a known namespace, adds no note', async () => {
    const report = await check([pod('web-prod', 'harbor.example.com/web/app:1.0')]);
    expect(report.objects[0]?.notes).toEqual([]);
  });

  it('given a pod the snapshot already holds, checks it unmutated (no patch), as an update', async () => {
    const existing = pod(
      'finance-prod',
      'harbor.example.com/finance/payments-api:1',
      'payments-api-6d5f8c7b9-4xkzq',
    );
    const report = await check([existing]);
    expect(report.objects[0]?.patch).toEqual([]);
    expect(report.objects[0]?.decisions.some((d) => d.rule === 'mutate')).toBe(false);
  });

  it('given a new pod, shows the patch of the mutating webhook', async () => {
    const report = await check([pod('finance-prod', 'harbor.example.com/finance/payments-api:1', 'new-pod')]);
    const patch = report.objects[0]?.patch ?? [];
    // finance-prod's defaults, finance's placement and pull secret, and the department label.
    expect(patch.map((op) => `${op.op} ${op.path}`)).toEqual([
      'add /spec/containers/0/resources',
      'add /spec/affinity',
      'add /spec/tolerations',
      'add /spec/imagePullSecrets',
      'add /metadata/labels',
    ]);
    expect(patch).toContainEqual({
      op: 'add',
      path: '/spec/tolerations',
      value: [{ key: 'corral.dev/department', operator: 'Equal', value: 'finance', effect: 'NoSchedule' }],
    });
    expect(patch).toContainEqual({
      op: 'add',
      path: '/metadata/labels',
      value: { 'corral.dev/department': 'finance' },
    });
    expect(report.objects[0]?.decisions.find((d) => d.rule === 'pod-defaults-and-placement')?.outcome).toBe(
      'pass',
    );
  });

  it('given a pod template of an API group the webhooks do not see, admits it with a note', async () => {
    const job = {
      apiVersion: 'example.com/v1',
      kind: 'Job',
      metadata: { name: 'j', namespace: 'web-prod' },
      spec: { template: { spec: { containers: [{ name: 'a', image: 'docker.io/evil/miner' }] } } },
    };
    const report = await check([job]);
    expect(report.denied).toBe(0);
    expect(report.objects[0]?.notes).toEqual([
      "example.com/v1 is not reviewed by Corral's admission webhooks",
    ]);
  });

  it('given a batch/v1 Job with a forbidden image, still denies it', async () => {
    const job = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'j', namespace: 'web-prod' },
      spec: { template: { spec: { containers: [{ name: 'a', image: 'docker.io/evil/miner' }] } } },
    };
    expect((await check([job])).denied).toBe(1);
  });

  it('given a custom scheduler name, the mutating webhook sets it on new pods', async () => {
    const settings = {
      systemNamespaces: ['kube-system'],
      gpuResources: ['nvidia.com/gpu'],
      schedulerName: 'corral-scheduler',
    };
    const report = await check([pod('web-prod', 'harbor.example.com/web/app:1.0')], { settings });
    expect(report.objects[0]?.patch).toContainEqual({
      op: 'add',
      path: '/spec/schedulerName',
      value: 'corral-scheduler',
    });
  });

  it('given web-prod among the system namespaces, skips the rules there', async () => {
    const settings = {
      systemNamespaces: ['web-prod'],
      gpuResources: ['nvidia.com/gpu'],
      schedulerName: 'default-scheduler',
    };
    const report = await check([pod('web-prod', 'docker.io/evil/miner:latest')], { settings });
    expect(report.denied).toBe(0);
  });

  it("given a pod with a pod-level cpu limit alone, counts its containers' requests as the API server defaults them", async () => {
    // finance-prod: requests.cpu 16, limits.cpu 32. kube-apiserver defaults the missing pod-level
    // request to the containers' 1 cpu (KEP-2837), not to the 20 cpu limit, and admits the pod.
    const sized = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'pooled', namespace: 'finance-prod' },
      spec: {
        resources: { limits: { cpu: '20' } },
        containers: [
          {
            name: 'a',
            image: `harbor.example.com/finance/payments/api:1@sha256:${'e'.repeat(64)}`,
            resources: { requests: { cpu: '1' } },
          },
        ],
      },
    };
    const report = await check([sized]);
    expect(verdicts(report)).toEqual(['ALLOWED Pod finance-prod/pooled']);
  });
});
