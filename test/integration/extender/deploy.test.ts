import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { loadExtenderConfig } from '../../../plugins/scheduler-extender/src/index.js';
import { labCluster, testExtender } from './lab-cluster.js';

const DIR = fileURLToPath(new URL('../../../deploy/scheduler-extender/', import.meta.url));
const read = (file: string) =>
  parseAllDocuments(readFileSync(DIR + file, 'utf8')).map((d) => d.toJSON() as Record<string, any>); // eslint-disable-line @typescript-eslint/no-explicit-any

describe('deploy/scheduler-extender', () => {
  it('lists every manifest in kustomization.yaml', () => {
    const [kustomization] = read('kustomization.yaml');
    for (const file of kustomization?.['resources'] as string[]) expect(read(file).length).toBeGreaterThan(0);
  });

  it('runs 2 replicas whose arguments the extender accepts', () => {
    const [deployment] = read('deployment.yaml');
    expect(deployment?.['spec'].replicas).toBe(2);
    const container = deployment?.['spec'].template.spec.containers[0];
    const [command, ...flags] = container.args as string[];
    expect(command).toBe('extender');
    const env = Object.fromEntries(
      (container.env as { name: string; value: string }[]).map((e) => [e.name, e.value]),
    );
    expect(() => loadExtenderConfig(flags, env)).not.toThrow();
  });

  it('grants list/watch on the six kinds and nothing that writes, except pods/binding for bind', () => {
    const roles = read('rbac.yaml').filter((o) => o['kind'] === 'ClusterRole');
    const rules = roles.flatMap((r) => r['rules'] as { resources: string[]; verbs: string[] }[]);
    const resources = rules.flatMap((r) => r.resources.map((res) => `${res}:${r.verbs.join(',')}`));
    expect(resources.sort()).toEqual(
      [
        'nodes:list,watch',
        'namespaces:list,watch',
        'pods:list,watch',
        'persistentvolumeclaims:list,watch',
        'departments:list,watch',
        'namespacepolicies:list,watch',
        'pods/binding:create',
        'pods:get',
      ].sort(),
    );
  });

  it('configures kube-scheduler with verbs the extender serves, names only, fail closed', async () => {
    const [config] = read('scheduler-config.yaml');
    expect(config?.['apiVersion']).toBe('kubescheduler.config.k8s.io/v1');
    const [extender] = config?.['extenders'] as Record<string, unknown>[];
    expect(extender).toMatchObject({ nodeCacheCapable: true, ignorable: false, weight: 1 });
    expect(extender?.['managedResources']).toBeUndefined();
    const served = testExtender(labCluster());
    for (const verb of ['filterVerb', 'prioritizeVerb', 'preemptVerb']) {
      const path = `${new URL(String(extender?.['urlPrefix'])).pathname}/${String(extender?.[verb])}`;
      const response = await served.app.inject({ method: 'POST', url: path, payload: {} });
      expect(response.statusCode).not.toBe(404);
    }
    await served.close();
  });
});
