import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

const DIR = fileURLToPath(new URL('../../../deploy/admission/', import.meta.url));
type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const load = (file: string): Doc[] =>
  parseAllDocuments(readFileSync(DIR + file, 'utf8')).map((d) => d.toJS() as Doc);

describe('deploy/admission', () => {
  const kustomization = load('kustomization.yaml')[0] ?? {};
  const all = (kustomization['resources'] as string[]).flatMap(load);
  const byKind = (kind: string) => all.filter((d) => d['kind'] === kind);

  it('given the kustomization, lists every manifest file of the folder', () => {
    expect(kustomization['resources']).toEqual(
      expect.arrayContaining([
        'deployment.yaml',
        'pdb.yaml',
        'service.yaml',
        'webhooks.yaml',
        'rbac.yaml',
        'tls-bootstrap-rbac.yaml',
        'policy-rbac.yaml',
      ]),
    );
  });

  it('bootstraps its own webhook certificate: no Secret to create by hand, no caBundle to set', () => {
    const container = byKind('Deployment')[0]?.['spec']['template']['spec']['containers'][0];
    expect(container['args']).toContain('--tls-bootstrap-secret=corral-admission-tls');
    const hooks = [
      ...byKind('MutatingWebhookConfiguration'),
      ...byKind('ValidatingWebhookConfiguration'),
    ].flatMap((c) => c['webhooks'] as Doc[]);
    expect(hooks.filter((h) => h['clientConfig']['caBundle'] !== undefined)).toEqual([]);
    const volumes = byKind('Deployment')[0]?.['spec']['template']['spec']['volumes'] as Doc[];
    expect(volumes.filter((v) => v['secret'])).toEqual([]);
  });

  it('validates every way an image enters a pod: pods, their ephemeral containers, every workload template', () => {
    const validating = byKind('ValidatingWebhookConfiguration').flatMap((c) => c['webhooks'] as Doc[]);
    const covered = validating.flatMap((hook) =>
      (hook['rules'] as Doc[]).flatMap((rule) =>
        (rule['resources'] as string[]).map((resource) => ({
          group: (rule['apiGroups'] as string[])[0],
          resource,
          update: (rule['operations'] as string[]).includes('UPDATE'),
        })),
      ),
    );
    const expected = [
      ['', 'pods'],
      ['', 'pods/ephemeralcontainers'],
      ['', 'replicationcontrollers'],
      ['apps', 'deployments'],
      ['apps', 'statefulsets'],
      ['apps', 'daemonsets'],
      ['apps', 'replicasets'],
      ['batch', 'jobs'],
      ['batch', 'cronjobs'],
    ];
    for (const [group, resource] of expected)
      expect(covered).toContainEqual({ group, resource, update: true });
  });

  it('runs at least 2 replicas protected by a PDB', () => {
    expect(byKind('Deployment')[0]?.['spec']['replicas']).toBeGreaterThanOrEqual(2);
    expect(byKind('PodDisruptionBudget')[0]?.['spec']['minAvailable']).toBe(1);
  });

  it('every webhook fails closed, is dry-run safe, answers in time and never covers system namespaces', () => {
    const deadline = Number(
      (byKind('Deployment')[0]?.['spec']['template']['spec']['containers'][0]['args'] as string[])
        .find((a) => a.startsWith('--deadline-ms='))
        ?.split('=')[1],
    );
    const hooks = [
      ...byKind('MutatingWebhookConfiguration'),
      ...byKind('ValidatingWebhookConfiguration'),
    ].flatMap((c) => c['webhooks'] as Doc[]);
    expect(hooks.length).toBeGreaterThanOrEqual(4);
    for (const hook of hooks) {
      expect(hook['failurePolicy']).toBe('Fail');
      expect(hook['sideEffects']).toBe('NoneOnDryRun');
      expect(hook['timeoutSeconds'] * 1000).toBeGreaterThan(deadline);
      const isPolicyHook = (hook['rules'] as Doc[]).every((r) =>
        (r['apiGroups'] as string[]).includes('corral.dev'),
      );
      if (!isPolicyHook) {
        expect(hook['namespaceSelector']['matchExpressions']).toContainEqual({
          key: 'kubernetes.io/metadata.name',
          operator: 'NotIn',
          values: ['kube-system', 'corral-system'],
        });
      }
    }
  });

  it('gives tenants no write access to policies through the aggregated roles', () => {
    const viewer = byKind('ClusterRole').find((r) => r['metadata']['name'] === 'corral-policy-viewer');
    expect(viewer?.['rules'][0]['verbs']).toEqual(['get', 'list', 'watch']);
    const aggregatedWriters = byKind('ClusterRole').filter(
      (r) =>
        r['metadata']['labels'] &&
        (r['rules'] as Doc[]).some((rule) =>
          (rule['verbs'] as string[]).some((v) => !['get', 'list', 'watch'].includes(v)),
        ),
    );
    expect(aggregatedWriters).toEqual([]);
  });
});
