// Each service container of the default install starts with its manifest's args and env, also with
// the service-link variables Kubernetes sets in every pod for each Service of the namespace
// (`CORRAL_ADMISSION_SERVICE_HOST`, `CORRAL_ADMISSION_PORT_443_TCP`, ...). The services reject
// unknown variables under their prefix, and a Service named like a prefix used to crash-loop them.
import { resolve } from 'node:path';
import { loadAdmissionConfig } from '../../plugins/admission/src/config.js';
import { loadCsiConfig } from '../../plugins/csi-ceph/src/config.js';
import { loadExtenderConfig } from '../../plugins/scheduler-extender/src/config.js';
import { type KubeObject, renderKustomization } from './kustomize.js';

const objects = renderKustomization(resolve(import.meta.dirname, '../../deploy/default'));

interface Container {
  readonly name: string;
  readonly args?: string[];
  readonly env?: { name: string; value?: string }[];
}

/** The service-link variables of one Service, as kubelet writes them (docker-link style). */
function serviceLinks(service: KubeObject): Record<string, string> {
  const prefix = service.metadata.name.toUpperCase().replaceAll('-', '_');
  const ip = '10.96.0.10';
  const ports = ((service['spec'] as { ports?: { name?: string; port: number; protocol?: string }[] })
    .ports ?? []) as { name?: string; port: number; protocol?: string }[];
  const env: Record<string, string> = { [`${prefix}_SERVICE_HOST`]: ip };
  for (const [i, { name, port, protocol = 'TCP' }] of ports.entries()) {
    if (i === 0) {
      env[`${prefix}_SERVICE_PORT`] = String(port);
      env[`${prefix}_PORT`] = `${protocol.toLowerCase()}://${ip}:${port}`;
    }
    if (name) env[`${prefix}_SERVICE_PORT_${name.toUpperCase().replaceAll('-', '_')}`] = String(port);
    const link = `${prefix}_PORT_${port}_${protocol}`;
    Object.assign(env, {
      [link]: `${protocol.toLowerCase()}://${ip}:${port}`,
      [`${link}_PROTO`]: protocol.toLowerCase(),
      [`${link}_PORT`]: String(port),
      [`${link}_ADDR`]: ip,
    });
  }
  return env;
}

const links = Object.assign(
  { KUBERNETES_SERVICE_HOST: '10.96.0.1' },
  ...objects.filter((o) => o.kind === 'Service').map(serviceLinks),
) as Record<string, string>;

function container(kind: string, name: string, containerName: string): Container {
  const workload = objects.find((o) => o.kind === kind && o.metadata.name === name);
  const spec = (workload?.['spec'] as { template: { spec: { containers: Container[] } } } | undefined)
    ?.template.spec;
  const found = spec?.containers.find((c) => c.name === containerName);
  if (!found) throw new Error(`${kind} ${name} has no container ${containerName}`);
  return found;
}

const envOf = (c: Container) =>
  Object.fromEntries((c.env ?? []).filter((e) => e.value !== undefined).map((e) => [e.name, e.value]));
/** The container's args without the subcommand, with `$(VAR)` references filled in. */
const argsOf = (c: Container) => (c.args ?? []).slice(1).map((a) => a.replaceAll('$(NODE_NAME)', 'node-1'));

describe('the default install: each service starts from its manifest, service links included', () => {
  it("has the Services whose names match the services' env prefixes", () => {
    expect(Object.keys(links)).toEqual(expect.arrayContaining(['CORRAL_ADMISSION_SERVICE_HOST']));
  });

  it.each([
    ['admission', () => container('Deployment', 'corral-admission', 'admission'), loadAdmissionConfig],
    ['extender', () => container('Deployment', 'corral-extender', 'extender'), loadExtenderConfig],
    ['csi controller', () => container('Deployment', 'corral-csi-controller', 'csi-rbd'), loadCsiConfig],
    ['csi node', () => container('DaemonSet', 'corral-csi-node', 'csi-rbd'), loadCsiConfig],
  ] as const)('given the %s container, loads its config', (_what, of, load) => {
    const c = of();
    expect(() => load(argsOf(c), { ...envOf(c), ...links })).not.toThrow();
  });
});

describe('the default install: pods that can start and roll out', () => {
  const podSpec = (kind: string, name: string) =>
    (
      objects.find((o) => o.kind === kind && o.metadata.name === name)?.['spec'] as {
        template: { spec: Record<string, unknown> };
      }
    ).template.spec;

  it('given the CSI controller keyring mounted 0400, the driver (uid 65532, the image user) can read it', () => {
    const spec = podSpec('Deployment', 'corral-csi-controller');
    const volumes = spec['volumes'] as { name: string; secret?: { defaultMode?: number } }[];
    const keyring = volumes.find((v) => v.name === 'keyring')?.secret;
    expect(keyring?.defaultMode).toBe(0o400);
    // root:root 0400 for a non-root driver unless fsGroup makes it group-owned and group-readable.
    expect((spec['securityContext'] as { fsGroup?: number } | undefined)?.fsGroup).toBe(65532);
  });

  it.each([
    ['Deployment', 'corral-admission'],
    ['Deployment', 'corral-extender'],
    ['Deployment', 'corral-csi-controller'],
  ])(
    'given %s %s, spreads replicas without a required rule (a surge pod must fit on two nodes)',
    (kind, name) => {
      const affinity = podSpec(kind, name)['affinity'] as
        { podAntiAffinity?: Record<string, unknown> } | undefined;
      expect(affinity?.podAntiAffinity?.['requiredDuringSchedulingIgnoredDuringExecution']).toBeUndefined();
    },
  );

  it.each([
    ['Deployment', 'corral-admission'],
    ['Deployment', 'corral-extender'],
    ['Deployment', 'corral-csi-controller'],
    ['DaemonSet', 'corral-csi-node'],
  ])('given %s %s, turns service links off', (kind, name) => {
    expect(podSpec(kind, name)['enableServiceLinks']).toBe(false);
  });
});

/**
 * The webhook and the extender enforce one placement model from two sides (DESIGN.md, "Layered
 * enforcement"): the webhook writes GPU tolerations and affinity for the GPU resources it knows, the
 * extender keeps GPU nodes for pods requesting the ones it knows, and both leave the same namespaces
 * alone, which must also be the namespaces the webhook configurations never send. Each of these is set
 * explicitly in both Deployments (the admin guide tells admins to edit them there), to the same values.
 */
describe.each(['deploy/default', 'deploy/overlays/with-cert-manager', 'deploy/overlays/second-scheduler'])(
  '%s: the webhook and the extender agree',
  (dir) => {
    const rendered = renderKustomization(resolve(import.meta.dirname, '../..', dir));
    const containerOf = (name: string, containerName: string): Container => {
      const workload = rendered.find((o) => o.kind === 'Deployment' && o.metadata.name === name);
      const spec = (workload?.['spec'] as { template: { spec: { containers: Container[] } } } | undefined)
        ?.template.spec;
      const found = spec?.containers.find((c) => c.name === containerName);
      if (!found) throw new Error(`Deployment ${name} has no container ${containerName}`);
      return found;
    };
    const admission = containerOf('corral-admission', 'admission');
    const extender = containerOf('corral-extender', 'extender');
    const admissionConfig = loadAdmissionConfig(argsOf(admission), { ...envOf(admission), ...links });
    const extenderConfig = loadExtenderConfig(argsOf(extender), { ...envOf(extender), ...links });

    it.each(['--gpu-resources=', '--system-namespaces='])('given %s, both set it explicitly', (flag) => {
      expect({
        admission: admission.args?.some((a) => a.startsWith(flag)),
        extender: extender.args?.some((a) => a.startsWith(flag)),
      }).toEqual({ admission: true, extender: true });
    });

    it('given their configs, both know the same GPU resources and system namespaces', () => {
      expect([...admissionConfig.gpuResources]).toEqual([...extenderConfig.gpuResources]);
      expect([...admissionConfig.systemNamespaces].sort()).toEqual(
        [...extenderConfig.systemNamespaces].sort(),
      );
    });

    it("given the webhook configurations, each excludes exactly the webhook's system namespaces", () => {
      const hooks = rendered
        .filter(
          (o) => o.kind === 'MutatingWebhookConfiguration' || o.kind === 'ValidatingWebhookConfiguration',
        )
        .flatMap((o) => o['webhooks'] as { name: string; namespaceSelector?: unknown }[]);
      expect(hooks.length).toBeGreaterThanOrEqual(4);
      for (const hook of hooks) {
        const expressions =
          (
            hook.namespaceSelector as {
              matchExpressions?: { key: string; operator: string; values?: string[] }[];
            }
          )?.matchExpressions ?? [];
        const excluded = expressions.find(
          (e) => e.key === 'kubernetes.io/metadata.name' && e.operator === 'NotIn',
        )?.values;
        expect({ hook: hook.name, excluded: [...(excluded ?? [])].sort() }).toEqual({
          hook: hook.name,
          excluded: [...admissionConfig.systemNamespaces].sort(),
        });
      }
    });
  },
);

describe('the default install: API tokens only where a service calls the API server', () => {
  it('given the CSI node plugin, which runs without --kubeconfig, mounts no service account token', () => {
    const c = container('DaemonSet', 'corral-csi-node', 'csi-rbd');
    const config = loadCsiConfig(argsOf(c), { ...envOf(c), ...links });
    const spec = (
      objects.find((o) => o.kind === 'DaemonSet' && o.metadata.name === 'corral-csi-node')?.['spec'] as {
        template: { spec: { automountServiceAccountToken?: boolean } };
      }
    ).template.spec;
    expect({ kubeconfig: config.kubeconfig, automount: spec.automountServiceAccountToken }).toEqual({
      kubeconfig: undefined,
      automount: false,
    });
  });
});
