/**
 * Webhook TLS in the rendered installs (docs/adr/0015): the admission Deployment's own arguments, read
 * by the service's real config loader, must agree with the objects around them — the Secret its RBAC
 * names, the Service and webhook configurations whose caBundle it sets, the volume it writes to — and
 * overlays/with-cert-manager must turn the bootstrap off and serve cert-manager's Secret instead.
 */
import { join, resolve } from 'node:path';
import { loadAdmissionConfig, type AdmissionConfig } from '@corral/admission';
import { type KubeObject, renderKustomization } from './kustomize.js';

const ROOT = resolve(import.meta.dirname, '../..');

interface Container {
  name: string;
  args?: string[];
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
  securityContext?: { readOnlyRootFilesystem?: boolean };
}
interface Volume {
  name: string;
  emptyDir?: { medium?: string };
  secret?: { secretName: string };
}
interface Rule {
  resources?: string[];
  resourceNames?: string[];
  verbs?: string[];
}

function find(objects: readonly KubeObject[], kind: string, name: string): KubeObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`${kind} ${name} is missing`);
  return found;
}

function admission(objects: readonly KubeObject[]) {
  const spec = (
    find(objects, 'Deployment', 'corral-admission')['spec'] as {
      template: { spec: { containers: Container[]; volumes?: Volume[] } };
    }
  ).template.spec;
  const container = spec.containers.find((c) => c.name === 'admission');
  if (!container) throw new Error('no admission container');
  const [command, ...args] = container.args ?? [];
  expect(command).toBe('admission');
  const config = loadAdmissionConfig(args, {});
  /** The volume mounted at the directory of `file`, and how. */
  const volumeOf = (file: string | undefined) => {
    const mount = (container.volumeMounts ?? []).find((m) => file?.startsWith(`${m.mountPath}/`));
    return { mount, volume: (spec.volumes ?? []).find((v) => v.name === mount?.name) };
  };
  return { config, container, volumeOf };
}

const rulesOf = (objects: readonly KubeObject[], kind: string, name: string) =>
  (find(objects, kind, name)['rules'] as Rule[] | undefined) ?? [];

function webhookServices(objects: readonly KubeObject[]) {
  return objects
    .filter((o) => o.kind === 'MutatingWebhookConfiguration' || o.kind === 'ValidatingWebhookConfiguration')
    .flatMap((o) =>
      (
        o['webhooks'] as {
          clientConfig: { service: { name: string; namespace: string }; caBundle?: string };
        }[]
      ).map((hook) => ({
        kind: o.kind,
        name: o.metadata.name,
        annotations: o.metadata.annotations,
        ...hook.clientConfig,
      })),
    );
}

describe.each(['deploy/admission', 'deploy/default', 'deploy/overlays/second-scheduler'])(
  '%s: the self-signed certificate bootstrap',
  (dir) => {
    const objects = renderKustomization(join(ROOT, dir));
    const { config, container, volumeOf } = admission(objects);
    const bootstrap: AdmissionConfig['tlsBootstrap'] = config.tlsBootstrap;

    it('is on, writing the pair into a memory-backed emptyDir it may write to', () => {
      expect(bootstrap.secret).toBe('corral-admission-tls');
      const { mount, volume } = volumeOf(config.tls.cert);
      expect(volumeOf(config.tls.key).volume?.name).toBe(volume?.name);
      expect(volume?.emptyDir).toEqual({ medium: 'Memory', sizeLimit: '1Mi' });
      expect(mount?.readOnly).not.toBe(true);
      expect(container.securityContext?.readOnlyRootFilesystem).toBe(true);
    });

    it('keeps the caBundle of exactly the webhook configurations that call its Service, shipped without one', () => {
      const hooks = webhookServices(objects);
      for (const hook of hooks) {
        expect(hook.service).toEqual(
          expect.objectContaining({ name: bootstrap.service, namespace: bootstrap.namespace }),
        );
        expect(hook.caBundle).toBeUndefined();
        expect(hook.annotations?.['cert-manager.io/inject-ca-from']).toBeUndefined();
      }
      const names = (kind: string) => [...new Set(hooks.filter((h) => h.kind === kind).map((h) => h.name))];
      expect(bootstrap.mutatingWebhooks).toEqual(names('MutatingWebhookConfiguration'));
      expect(bootstrap.validatingWebhooks).toEqual(names('ValidatingWebhookConfiguration'));
      find(objects, 'Service', bootstrap.service);
    });

    it('may touch only its own Secret (create aside) and those webhook configurations', () => {
      const secretRules = rulesOf(objects, 'Role', 'corral-admission-tls');
      expect(find(objects, 'Role', 'corral-admission-tls').metadata.namespace).toBe(bootstrap.namespace);
      expect(secretRules.filter((r) => r.resourceNames).flatMap((r) => r.resourceNames)).toEqual([
        bootstrap.secret,
      ]);
      expect(secretRules.filter((r) => !r.resourceNames).flatMap((r) => r.verbs)).toEqual(['create']);
      const webhookRule = rulesOf(objects, 'ClusterRole', 'corral-admission-ca-bundle');
      expect(webhookRule.flatMap((r) => r.resourceNames)).toEqual([
        ...new Set([...bootstrap.mutatingWebhooks, ...bootstrap.validatingWebhooks]),
      ]);
    });
  },
);

describe('deploy/overlays/with-cert-manager: the bootstrap is off', () => {
  const objects = renderKustomization(join(ROOT, 'deploy/overlays/with-cert-manager'));
  const { config, volumeOf } = admission(objects);

  it('serves the Secret the Certificate writes, mounted read-only', () => {
    expect(config.tlsBootstrap.secret).toBeUndefined();
    const secretName = (find(objects, 'Certificate', 'corral-admission')['spec'] as { secretName: string })
      .secretName;
    for (const file of [config.tls.cert, config.tls.key]) {
      const { mount, volume } = volumeOf(file);
      expect(volume?.secret?.secretName).toBe(secretName);
      expect(mount?.readOnly).toBe(true);
    }
  });

  /** The Issuer, and the Certificate whose Secret a CA Issuer signs with, behind a Certificate. */
  function issuerOf(certificate: KubeObject) {
    const spec = certificate['spec'] as { issuerRef: { name: string; kind?: string } };
    expect(spec.issuerRef.kind ?? 'Issuer').toBe('Issuer');
    const issuer = find(objects, 'Issuer', spec.issuerRef.name)['spec'] as {
      selfSigned?: object;
      ca?: { secretName: string };
    };
    const caSecret = issuer.ca?.secretName;
    const ca = objects.find(
      (o) => o.kind === 'Certificate' && (o['spec'] as { secretName: string }).secretName === caSecret,
    );
    return { issuer, ca };
  }

  it('signs the serving certificate with a CA that its renewal leaves in the caBundle', () => {
    // A self-signed serving certificate is its own CA: cainjector would put each renewed one in the
    // caBundle at once, while kubelet swaps the pods' mounted Secret up to minutes later, and until
    // then the apiserver would refuse the certificate the pods serve (and the webhooks fail closed).
    const serving = find(objects, 'Certificate', 'corral-admission');
    const { issuer, ca } = issuerOf(serving);
    expect(issuer.selfSigned).toBeUndefined();
    if (!ca) throw new Error(`no Certificate writes the CA Issuer's Secret ${String(issuer.ca?.secretName)}`);
    const caSpec = ca['spec'] as {
      isCA?: boolean;
      duration?: string;
      privateKey?: { rotationPolicy?: string };
    };
    // The CA: self-signed, and keeping its key when renewed, so that a renewed CA still verifies the
    // serving certificates it signed before.
    expect(issuerOf(ca).issuer.selfSigned).toEqual({});
    expect({ isCA: caSpec.isCA, rotation: caSpec.privateKey?.rotationPolicy }).toEqual({
      isCA: true,
      rotation: 'Never',
    });
    // In hours; cert-manager's default (90 days) when none is set. Any other form is refused here
    // rather than read as that default.
    const hours = (d: string | undefined) => {
      const match = /^(\d+)h$/.exec(d ?? '2160h');
      if (!match) throw new Error(`duration ${String(d)}: write it in whole hours (e.g. 2160h)`);
      return Number(match[1]);
    };
    const servingHours = hours((serving['spec'] as { duration?: string }).duration);
    expect(hours(caSpec.duration)).toBeGreaterThanOrEqual(10 * servingHours);
    // cainjector injects the ca.crt of the serving Certificate's Secret, which a CA Issuer fills with the CA.
    const injected = webhookServices(objects).map((h) => h.annotations?.['cert-manager.io/inject-ca-from']);
    expect(new Set(injected)).toEqual(new Set([`${serving.metadata.namespace}/${serving.metadata.name}`]));
  });

  it('leaves the caBundle to cainjector and keeps none of the bootstrap rights', () => {
    for (const hook of webhookServices(objects)) {
      expect(hook.annotations?.['cert-manager.io/inject-ca-from']).toBe('corral-system/corral-admission');
    }
    const bootstrapRbac = objects.filter(
      (o) =>
        o.apiVersion.startsWith('rbac.authorization.k8s.io/') &&
        ['corral-admission-tls', 'corral-admission-ca-bundle'].includes(o.metadata.name),
    );
    expect(bootstrapRbac.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([]);
  });
});
