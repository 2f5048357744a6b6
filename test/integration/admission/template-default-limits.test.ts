import { MAX_WARNING, WARNING_CONTINUATION } from '../../../plugins/admission/src/transport/warning-lines.js';
import { snapshotFromFiles } from '../../../plugins/admission/src/testing/example-snapshot.js';
import { startHttpsWebhook, type HttpsWebhook } from './support.js';

type Json = Record<string, unknown>;

/** The warnings as written before wrapping: continuation lines joined to the line before. */
function unwrapped(lines: readonly string[]): string[] {
  const texts: string[] = [];
  for (const line of lines) {
    if (line.startsWith(WARNING_CONTINUATION) && texts.length > 0)
      texts[texts.length - 1] += ` ${line.slice(WARNING_CONTINUATION.length)}`;
    else texts.push(line);
  }
  return texts;
}

const IMAGE = `harbor.example.com/finance/payments/api:1@sha256:${'e'.repeat(64)}`;

/** A Deployment of finance-prod (defaults: cpu 100m/1, memory 128Mi/512Mi) with this pod spec. */
const deployment = (name: string, podSpec: Json, replicas = 2) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'finance-prod' },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: podSpec },
  },
});

/** The AdmissionReview kube-apiserver sends the validating webhook for a Deployment write. */
function deploymentReview(object: Json, oldObject: Json | null = null) {
  const metadata = object['metadata'] as { name: string };
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: `uid-${metadata.name}`,
      kind: { group: 'apps', version: 'v1', kind: 'Deployment' },
      resource: { group: 'apps', version: 'v1', resource: 'deployments' },
      namespace: 'finance-prod',
      name: metadata.name,
      operation: oldObject === null ? 'CREATE' : 'UPDATE',
      userInfo: { username: 'dev' },
      object,
      oldObject,
    },
  };
}

describe('default-limits warnings on a Deployment, through the validating webhook over HTTPS', () => {
  let hook: HttpsWebhook;
  beforeAll(async () => {
    hook = await startHttpsWebhook(await snapshotFromFiles());
  });
  afterAll(async () => hook.close());

  const validate = async (object: Json, oldObject: Json | null = null) =>
    (await hook.post('/validate', deploymentReview(object, oldObject))).body.response;

  /** The default-limits warning, then each quota's warning that the pods lack a limit, once each. */
  const expectWarnedOnce = (warnings: string[] | undefined) => {
    expect(warnings?.[0]).toBe(
      '[default-limits] containers[0] "app": no default cpu limit 1: its request 3 is above it',
    );
    const unless = (rule: string) =>
      warnings?.filter((line) =>
        line.startsWith(`[${rule}] every pod of this template is refused unless a LimitRange`),
      );
    expect(unless('namespace-quota')).toHaveLength(1);
    expect(unless('department-quota')).toHaveLength(1);
  };

  const big = deployment('big', {
    containers: [{ name: 'app', image: IMAGE, resources: { requests: { cpu: '3' } } }],
  });

  it('given a container requesting more cpu than the default limit, admits it with the warning once', async () => {
    const response = await validate(big);
    // finance-prod's quota limits limits.cpu: each pod, without the default limit, would be refused
    // unless a LimitRange sets it, which Corral does not read: a warning, not a refusal.
    expect(response).toMatchObject({ allowed: true });
    expectWarnedOnce(response.warnings);
  });

  it('given a scale of it (template unchanged), warns nothing', async () => {
    const scaled = { ...big, spec: { ...big.spec, replicas: 5 } };
    const response = await validate(scaled, big);
    expect(response).toMatchObject({ allowed: true });
    expect(response.warnings).toBeUndefined();
  });

  it('given an UPDATE changing the container, warns again', async () => {
    const before = deployment('big', {
      containers: [{ name: 'app', image: IMAGE, resources: { requests: { cpu: '500m' } } }],
    });
    const response = await validate(big, before);
    expectWarnedOnce(response.warnings);
  });

  it('given many containers sized at pod level, sends the warning as lines kubectl shows whole', async () => {
    const containers = Array.from({ length: 6 }, (_, i) => ({ name: `worker-${i}`, image: IMAGE }));
    const response = await validate(
      deployment('pooled', { resources: { limits: { cpu: '4', memory: '4Gi' } }, containers }),
    );
    expect(response).toMatchObject({ allowed: true });
    const warnings = response.warnings;
    expect(warnings.every((line) => line.length <= MAX_WARNING)).toBe(true);
    expect(new Set(warnings).size).toBe(warnings.length);
    expect(warnings.length).toBeGreaterThan(2); // each of the two warnings is wrapped
    const names = containers.map((c, i) => `containers[${i}] "${c.name}"`).join(', ');
    expect(unwrapped(warnings)).toEqual([
      `[default-limits] ${names}: no default cpu limit 1: the pod sets cpu in spec.template.spec.resources`,
      `[default-limits] ${names}: no default memory limit 512Mi: the pod sets memory in ` +
        'spec.template.spec.resources',
    ]);
  });
});
