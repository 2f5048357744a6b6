/**
 * The webhook certificate bootstrap with several replicas, webhook configurations that change under it,
 * only the RBAC that deploy/admission grants it, and a restart in the middle of a CA rotation, against
 * the fake API server. Throughout: a ready replica never serves a certificate some webhook's caBundle
 * does not trust.
 */
import { X509Certificate } from 'node:crypto';
import { startFakeApiServer, type FakeApiServer, type KubeObject } from '../fake-apiserver/index.js';
import {
  eventually,
  NAMESPACE,
  offsetClock,
  readSecret,
  ready,
  replicaPool,
  servedCertificate,
  webhookBundles,
  webhookManifests,
} from './support-tls.js';
import {
  b64,
  blocks,
  bootstrapRbac,
  DAY,
  distrusting,
  failBundlePatches,
  MINUTE,
  ROTATION_FLAGS,
  runningCluster,
  secretCertificate,
  servesFrom,
  sleep,
  untilEveryBundleHolds,
  untilServedFrom,
  watchInvariant,
  WEBHOOKS,
} from './support-tls-attacks.js';

/** Our validating configuration plus webhooks that call other services: only ours may change. */
function mixedValidatingConfiguration(): KubeObject {
  const ours = webhookManifests().find((m) => m.kind === 'ValidatingWebhookConfiguration');
  const config = structuredClone(ours) as unknown as { webhooks: Record<string, unknown>[] };
  const other = (name: string, clientConfig: Record<string, unknown>) => ({
    ...config.webhooks[0],
    name,
    clientConfig,
  });
  config.webhooks.splice(
    1,
    0,
    other('other.example.com', {
      service: { name: 'other', namespace: NAMESPACE, path: '/v' },
      caBundle: b64('theirs'),
    }),
    other('same-name-other-namespace.example.com', {
      service: { name: 'corral-admission', namespace: 'elsewhere', path: '/v' },
    }),
    other('by-url.example.com', { url: 'https://hooks.example.com/v', caBundle: b64('url') }),
  );
  return config as unknown as KubeObject;
}

describe('the webhook certificate bootstrap with several replicas (fake API server)', () => {
  let api: FakeApiServer;
  const denied: string[] = [];
  const { start, stopAll } = replicaPool(() => api);

  beforeEach(async () => {
    denied.length = 0;
    api = await startFakeApiServer({ extra: bootstrapRbac(denied) });
  });
  afterEach(async () => {
    await stopAll();
    await api.close();
  });

  it('three replicas starting together on an empty namespace end with one CA, all serving from it, never ready untrusted', async () => {
    for (const manifest of webhookManifests()) api.upsert(manifest);
    const started = await Promise.all([start(), start(), start()]);
    const monitor = watchInvariant(api, started);
    await Promise.all(started.map((replica) => ready(replica)));
    await sleep(500);
    expect(await monitor.stop()).toEqual([]);
    const secret = await readSecret(api);
    const ca = new X509Certificate(secret?.data['ca.crt'] ?? '');
    expect(blocks(secret?.data['ca-bundle.crt'])).toHaveLength(1);
    for (const replica of started) {
      expect((await servedCertificate(replica.running.url)).checkIssued(ca)).toBe(true);
      expect(await distrusting(api, replica)).toEqual([]);
    }
    const created = await Promise.all(
      started.map(async (replica) => {
        const metrics = (await replica.get('/metrics')).body;
        return /corral_admission_certificate_rotations_total\{[^}]*certificate="ca"[^}]*reason="create"[^}]*\} 1/.test(
          metrics,
        );
      }),
    );
    expect(created.filter(Boolean)).toHaveLength(1);
    expect(denied).toEqual([]); // the shipped RBAC is enough
    // …and the fake enforces it: a list of Secrets is refused.
    expect((await fetch(`${api.url}/api/v1/namespaces/${NAMESPACE}/secrets`)).status).toBe(403);
  });

  it('sets the caBundle of configurations created after the start, only on webhooks calling our Service, again after a blanking re-apply', async () => {
    const replica = await start();
    await ready(replica);
    expect(
      replica.logs.lines.filter((l) => /webhook configuration not found/.test(String(l['msg']))),
    ).toHaveLength(2);
    const bundle = (await readSecret(api))?.data['ca-bundle.crt'];
    const apply = () => {
      api.upsert(webhookManifests().find((m) => m.kind === 'MutatingWebhookConfiguration') as KubeObject);
      api.upsert(mixedValidatingConfiguration());
    };
    apply();
    const expected = {
      'pods.mutate.corral.dev': bundle,
      'workloads.validate.corral.dev': bundle,
      'other.example.com': 'theirs',
      'same-name-other-namespace.example.com': undefined,
      'by-url.example.com': 'url',
      'namespaces.validate.corral.dev': bundle,
      'policies.validate.corral.dev': bundle,
    };
    await eventually('our webhooks patched', async () => {
      const bundles = await webhookBundles(api);
      return JSON.stringify(bundles) === JSON.stringify(expected) ? true : undefined;
    });
    apply(); // kubectl apply (or replace) blanking the caBundle
    await eventually('our webhooks patched again', async () => {
      const bundles = await webhookBundles(api);
      return JSON.stringify(bundles) === JSON.stringify(expected) ? true : undefined;
    });
    expect(denied).toEqual([]);
  });

  it('a restart in the middle of a CA rotation (caBundle never patched) keeps the overlap from the first patch', async () => {
    await runningCluster(api, 21);
    failBundlePatches(api);
    const first = await start({ clock: offsetClock(0), flags: ROTATION_FLAGS });
    await eventually('the CA rotated in the Secret', async () =>
      blocks((await readSecret(api))?.data['ca-bundle.crt']).length === 2 ? true : undefined,
    );
    const newCa = await secretCertificate(api, 'ca.crt');
    await first.running.stop(); // the process ends before any caBundle patch went through

    // It comes back 11 minutes later (past the overlap counted from the rotation) and can patch.
    api.clearFailures();
    const clock = offsetClock(11 * MINUTE);
    const second = await start({ clock, flags: ROTATION_FLAGS });
    await ready(second);
    await sleep(2000);
    expect(Object.values(await webhookBundles(api)).every((b) => blocks(b).length === 2)).toBe(true);
    expect(await servesFrom(second, newCa)).toBe(false);
    expect((await secretCertificate(api, 'tls.crt')).checkIssued(newCa)).toBe(false);
    clock.offsetMs = 22 * MINUTE;
    await untilServedFrom(second, newCa);
    expect(await distrusting(api, second)).toEqual([]);
  });

  it('three replicas with skewed clocks rotate the CA through 409s and 500s, every ready one trusted throughout', async () => {
    await runningCluster(api, 21);
    const skews = [-3 * MINUTE, 0, 3 * MINUTE];
    const clocks = skews.map((skew) => offsetClock(skew - 2 * DAY));
    const started = await Promise.all(clocks.map((clock) => start({ clock, flags: ROTATION_FLAGS })));
    await Promise.all(started.map((replica) => ready(replica)));
    const monitor = watchInvariant(api, started);
    const secretPath = `/api/v1/namespaces/${NAMESPACE}/secrets/corral-admission-tls`;
    api.failNext(3, { path: secretPath, method: 'PUT', code: 409 });
    api.failNext(2, { path: secretPath, method: 'PUT', code: 500 });
    api.failNext(2, { path: `${WEBHOOKS}/validatingwebhookconfigurations/corral-admission`, code: 500 });
    clocks.forEach((clock, i) => (clock.offsetMs = skews[i] ?? 0));
    await untilEveryBundleHolds(api, 2, 'the CA rotated in every caBundle');
    const newCa = await secretCertificate(api, 'ca.crt');
    await sleep(1500);
    for (const replica of started) {
      expect(await servesFrom(replica, newCa)).toBe(false);
    }
    clocks.forEach((clock, i) => (clock.offsetMs = (skews[i] ?? 0) + 14 * MINUTE));
    for (const replica of started) {
      await untilServedFrom(replica, newCa);
    }
    await sleep(500);
    expect(await monitor.stop()).toEqual([]);
    expect(blocks((await readSecret(api))?.data['ca-bundle.crt'])).toHaveLength(2);
    expect(denied).toEqual([]);
  });
});
