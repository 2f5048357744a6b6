import { SnapshotStore, rawNamespace } from '@corral/cluster';
import { listFixtures, loadAdmissionReview } from '../../support/fixtures.js';
import { snapshotFromFiles } from '../../../plugins/admission/src/testing/example-snapshot.js';
import { podReview, startHttpsWebhook, type HttpsWebhook } from './support.js';

const SHA = `@sha256:${'e'.repeat(64)}`;
const decodePatch = (patch: string) =>
  JSON.parse(Buffer.from(patch, 'base64').toString('utf8')) as { op: string; path: string }[];

describe('admission webhooks over real HTTPS (examples policies)', () => {
  let hook: HttpsWebhook;
  beforeAll(async () => {
    hook = await startHttpsWebhook(await snapshotFromFiles());
  });
  afterAll(async () => hook.close());

  it.each(listFixtures('admission-'))('given recorded %s, answers 200 with its uid', async (name) => {
    const body = loadAdmissionReview(name);
    const path = name.startsWith('admission-mutating-') ? '/mutate' : '/validate';
    const res = await hook.post(path, body);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      response: { uid: body.request.uid },
    });
    expect(typeof res.body.response.allowed).toBe('boolean');
  });

  it('given a finance-prod pod, /mutate answers a JSONPatch adding placement, defaults and the label', async () => {
    const res = await hook.post(
      '/mutate',
      podReview('finance-prod', 'p1', { containers: [{ name: 'a', image: 'x' }] }),
    );
    expect(res.body.response).toMatchObject({ allowed: true, patchType: 'JSONPatch' });
    const paths = decodePatch(res.body.response.patch).map((op) => op.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/spec/affinity',
        '/spec/tolerations',
        '/spec/imagePullSecrets',
        '/metadata/labels',
      ]),
    );
  });

  it('given a web-prod :latest pod, /validate denies 403 naming the rule and the fix, and logs once with context', async () => {
    const res = await hook.post(
      '/validate',
      podReview('web-prod', 'p2', {
        containers: [{ name: 'a', image: 'harbor.example.com/web/shop:latest' }],
      }),
    );
    expect(res.body.response.allowed).toBe(false);
    expect(res.body.response.status.code).toBe(403);
    expect(res.body.response.status.message).toMatch(/\[image-forbid-latest\].*pin a version tag/);
    const line = hook.logs.lines.find((l) => l['uid'] === 'uid-web-prod-p2');
    expect(line).toMatchObject({
      kind: 'Pod',
      namespace: 'web-prod',
      name: 'p2',
      operation: 'CREATE',
      webhook: 'validate',
    });
  });

  it('given the same image in web-staging (warn), allows with a warning', async () => {
    const res = await hook.post(
      '/validate',
      podReview('web-staging', 'p3', {
        containers: [{ name: 'a', image: 'harbor.example.com/web/shop:latest' }],
      }),
    );
    expect(res.body.response.allowed).toBe(true);
    expect(res.body.response.warnings[0]).toMatch(/^\[image-forbid-latest\]/);
    expect(res.body.response.warnings[0]?.length).toBeLessThan(120);
  });

  it('given a pinned finance image, allows', async () => {
    const res = await hook.post(
      '/validate',
      podReview('finance-prod', 'p4', {
        // Sized as the mutating webhook leaves it (finance's quotas limit cpu and memory).
        containers: [
          {
            name: 'a',
            image: `harbor.example.com/finance/payments/api:1${SHA}`,
            resources: { limits: { cpu: '1', memory: '512Mi' } },
          },
        ],
      }),
    );
    expect(res.body.response).toEqual({ uid: 'uid-finance-prod-p4', allowed: true });
  });

  it('given unparseable JSON, answers 400 with a message', async () => {
    const res = await hook.postRaw('/validate', '{"apiVersion": ');
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/not an AdmissionReview/);
  });

  it('given JSON that is not a review, answers 400', async () => {
    const res = await hook.post('/mutate', { hello: 'world' });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('ADM_ERR_BAD_REVIEW');
  });

  it('given a body over 3 MiB, answers 413', async () => {
    const big = podReview('web-prod', 'big', {
      containers: [{ name: 'a', image: 'x', padding: 'p'.repeat(3 * 1024 * 1024) }],
    });
    const res = await hook.post('/validate', big);
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('ADM_ERR_TOO_LARGE');
  });

  it('exposes the admission metrics', async () => {
    const res = await hook.get('/metrics');
    expect(res.text).toMatch(
      /corral_admission_requests_total\{webhook="validate",kind="Pod",outcome="denied"/,
    );
    expect(res.text).toMatch(/corral_admission_decisions_total\{rule="image-forbid-latest",outcome="fail"/);
    expect(res.text).toMatch(/corral_admission_duration_seconds_bucket\{[^}]*webhook="mutate"/);
  });
});

describe('quota reservations under concurrency over HTTPS', () => {
  const department = {
    apiVersion: 'corral.dev/v1alpha1',
    kind: 'Department',
    metadata: { name: 'team' },
    spec: { quota: { hard: { pods: '1000' } } },
  };
  const policy = {
    apiVersion: 'corral.dev/v1alpha1',
    kind: 'NamespacePolicy',
    metadata: { name: 'policy', namespace: 'team-a' },
    spec: { quota: { hard: { pods: '50', 'requests.cpu': '100' } } },
  };
  let hook: HttpsWebhook;
  let store: SnapshotStore;
  const admitted: string[] = [];
  beforeAll(async () => {
    store = new SnapshotStore();
    store.replaceAll('Namespace', [rawNamespace('team-a', { 'corral.dev/department': 'team' })], 'test');
    store.replaceAll('Department', [department], 'test');
    store.replaceAll('NamespacePolicy', [policy], 'test');
    hook = await startHttpsWebhook(store);
  });
  afterAll(async () => hook.close());

  const spec = { containers: [{ name: 'a', image: 'x:1', resources: { requests: { cpu: '100m' } } }] };

  it('given 200 concurrent pod creates and room for 50, admits exactly 50', async () => {
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) => hook.post('/validate', podReview('team-a', `pod-${i}`, spec))),
    );
    expect(answers.every((a) => a.status === 200)).toBe(true);
    const allowed = answers.filter((a) => a.body.response.allowed);
    expect(allowed).toHaveLength(50);
    admitted.push(...allowed.map((a) => String(a.body.response.uid).replace('uid-team-a-', '')));
    const denied = answers.find((a) => !a.body.response.allowed);
    expect(denied?.body.response.status.message).toMatch(/\[namespace-quota\].*pods would reach 51 of 50/);
  });

  it('given dryRun requests when the quota is full, answers the same and reserves nothing', async () => {
    const before = hook.server.ledger.size;
    const res = await hook.post('/validate', podReview('team-a', 'dry', spec, { dryRun: true }));
    expect(res.body.response.allowed).toBe(false);
    expect(hook.server.ledger.size).toBe(before);
  });

  it('given admitted pods showing up in the snapshot, drops their reservations and still counts them', async () => {
    const { rawPod } = await import('@corral/cluster');
    store.replaceAll(
      'Pod',
      admitted.map((name) => rawPod('team-a', name, { requests: { cpu: '100m' }, phase: 'Pending' })),
      'test',
    );
    const res = await hook.post('/validate', podReview('team-a', 'one-more', spec));
    expect(res.body.response.allowed).toBe(false);
    expect(hook.server.ledger.size).toBe(0);
  });
});

describe('dryRun with room', () => {
  it('given a dryRun create, allows it without reserving', async () => {
    const store = new SnapshotStore();
    store.replaceAll('Namespace', [rawNamespace('solo')], 'test');
    store.replaceAll(
      'NamespacePolicy',
      [
        {
          apiVersion: 'corral.dev/v1alpha1',
          kind: 'NamespacePolicy',
          metadata: { name: 'p', namespace: 'solo' },
          spec: { quota: { hard: { pods: '1' } } },
        },
      ],
      'test',
    );
    const hook = await startHttpsWebhook(store);
    try {
      const spec = { containers: [{ name: 'a', image: 'x:1' }] };
      const dry = await hook.post('/validate', podReview('solo', 'a', spec, { dryRun: true }));
      expect(dry.body.response.allowed).toBe(true);
      expect(hook.server.ledger.size).toBe(0);
      const real = await hook.post('/validate', podReview('solo', 'b', spec));
      expect(real.body.response.allowed).toBe(true);
      const third = await hook.post('/validate', podReview('solo', 'c', spec));
      expect(third.body.response.allowed).toBe(false);
    } finally {
      await hook.close();
    }
  });
});
