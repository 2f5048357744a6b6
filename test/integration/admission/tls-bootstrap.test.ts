import { X509Certificate } from 'node:crypto';
import { createCertificateAuthority, issueServingCertificate } from '@corral/admission';
import { startFakeApiServer, type FakeApiServer } from '../fake-apiserver/index.js';
import {
  eventually,
  HOST,
  NAMESPACE,
  offsetClock,
  readSecret,
  ready,
  replicaPool,
  SECRET,
  SECRET_PATH,
  servedCertificate,
  webhookBundles,
  webhookManifests,
} from './support-tls.js';

const DAY = 86_400_000;
const blocks = (pem: string | undefined) =>
  pem?.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];

describe('the webhook certificate bootstrap (against the fake API server)', () => {
  let api: FakeApiServer;
  const { start, stopAll } = replicaPool(() => api);

  beforeEach(async () => {
    api = await startFakeApiServer();
    for (const manifest of webhookManifests()) api.upsert(manifest);
  });
  afterEach(async () => {
    await stopAll();
    await api.close();
  });

  it('on first start creates the Secret, sets every caBundle, and serves a pair a client trusting only the bundle accepts', async () => {
    const replica = await start();
    await ready(replica);
    const secret = await readSecret(api);
    expect(secret?.object['type']).toBe('kubernetes.io/tls');
    const bundle = secret?.data['ca-bundle.crt'] ?? '';
    expect(blocks(bundle)).toHaveLength(1);
    expect(Object.values(await webhookBundles(api))).toEqual([bundle, bundle, bundle, bundle]);

    const served = await servedCertificate(replica.running.url);
    const leaf = new X509Certificate(secret?.data['tls.crt'] ?? '');
    expect(served.serialNumber).toBe(leaf.serialNumber);
    expect(served.checkHost(HOST)).toBe(HOST);
    expect(await replica.get('/healthz', bundle)).toMatchObject({ status: 200 });

    const metrics = (await replica.get('/metrics', bundle)).body;
    expect(metrics).toMatch(
      /corral_admission_certificate_expiry_timestamp_seconds\{[^}]*certificate="serving"[^}]*\} \d/,
    );
    expect(metrics).toMatch(
      /corral_admission_certificate_rotations_total\{[^}]*certificate="ca"[^}]*reason="create"[^}]*\} 1/,
    );
    expect(metrics).toMatch(
      /corral_admission_ca_bundle_patches_total\{[^}]*kind="ValidatingWebhookConfiguration"[^}]*\} 1/,
    );
    // No key material in any log line.
    const text = replica.logs.lines.map((l) => JSON.stringify(l)).join('\n');
    expect(text).not.toMatch(/PRIVATE KEY|BEGIN CERTIFICATE/);
    expect(text).not.toContain(secret?.data['tls.key']?.split('\n')[1] ?? 'never');
    expect(
      replica.logs.lines.some((l) => /created the webhook certificate Secret/.test(String(l['msg']))),
    ).toBe(true);
  });

  it('reports not ready, while serving a throwaway pair, until the Secret can be read; API failures are retried', async () => {
    api.failNext(1000, { path: SECRET_PATH, watch: false, code: 503 });
    const replica = await start();
    const unready = await replica.get('/readyz');
    expect(unready.status).toBe(503);
    expect(unready.body).toMatch(
      /waiting for the serving certificate from Secret corral-system\/corral-admission-tls/,
    );
    await eventually('a logged retry', async () =>
      replica.logs.lines.find((l) => /retrying/.test(String(l['msg']))),
    );
    api.clearFailures();
    await ready(replica);
    const bundle = (await readSecret(api))?.data['ca-bundle.crt'];
    expect(await replica.get('/readyz', bundle)).toMatchObject({ status: 200 });
  });

  it('with two replicas starting together, ends with one CA that both serve from', async () => {
    const [a, b] = await Promise.all([start(), start()]);
    await Promise.all([ready(a), ready(b)]);
    const secret = await readSecret(api);
    const ca = new X509Certificate(secret?.data['ca.crt'] ?? '');
    for (const replica of [a, b]) {
      expect((await servedCertificate(replica.running.url)).checkIssued(ca)).toBe(true);
      expect((await replica.get('/healthz', secret?.data['ca-bundle.crt'])).status).toBe(200);
    }
    expect(blocks(secret?.data['ca-bundle.crt'])).toHaveLength(1);
    const creates = api.requests
      .all({ path: `/api/v1/namespaces/${NAMESPACE}/secrets` })
      .filter((r) => r.method === 'POST');
    expect(creates.length).toBeGreaterThanOrEqual(1);
  });

  it('renews a serving certificate past 2/3 of its lifetime and serves the new one without a restart', async () => {
    const clock = offsetClock(-250 * DAY);
    const replica = await start({ clock, flags: ['--tls-resync-seconds=1'] });
    await ready(replica);
    const before = await servedCertificate(replica.running.url);
    const caBefore = (await readSecret(api))?.data['ca.crt'];
    clock.offsetMs = 0; // 250 of 365 days later: due for renewal.
    const after = await eventually('a renewed certificate', async () => {
      const served = await servedCertificate(replica.running.url);
      return served.serialNumber === before.serialNumber ? undefined : served;
    });
    const secret = await readSecret(api);
    expect(after.serialNumber).toBe(new X509Certificate(secret?.data['tls.crt'] ?? '').serialNumber);
    expect(secret?.data['ca.crt']).toBe(caBefore);
    expect(Date.parse(after.validTo)).toBeGreaterThan(Date.now() + 300 * DAY);
    expect((await replica.get('/readyz', secret?.data['ca-bundle.crt'])).status).toBe(200);
    expect((await replica.get('/metrics')).body).toMatch(
      /corral_admission_certificate_rotations_total\{[^}]*certificate="serving"[^}]*reason="renew-serving"[^}]*\} 1/,
    );
  });

  it('rotates a CA due for rotation: both CAs in every caBundle, then serving certificates from the new CA', async () => {
    // A Secret from 21 days ago: a 30-day CA (due at day 20) and a serving certificate it signed yesterday.
    const oldCa = await createCertificateAuthority({
      commonName: 'old-ca',
      validityDays: 30,
      now: new Date(Date.now() - 21 * DAY),
    });
    const serving = await issueServingCertificate({
      ca: oldCa,
      dnsNames: [HOST, `${HOST}.cluster.local`],
      validityDays: 10,
      now: new Date(Date.now() - DAY),
    });
    const b64 = (text: string) => Buffer.from(text).toString('base64');
    api.upsert({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: SECRET, namespace: NAMESPACE },
      type: 'kubernetes.io/tls',
      data: {
        'ca.crt': b64(oldCa.certPem),
        'ca.key': b64(oldCa.keyPem),
        'tls.crt': b64(serving.certPem),
        'tls.key': b64(serving.keyPem),
        'ca-bundle.crt': b64(oldCa.certPem),
      },
    } as never);
    const clock = offsetClock(0);
    const replica = await start({
      clock,
      flags: ['--tls-ca-validity-days=30', '--tls-cert-validity-days=10', '--tls-resync-seconds=1'],
    });
    await ready(replica);
    const rotated = await readSecret(api);
    const bundle = rotated?.data['ca-bundle.crt'] ?? '';
    expect(blocks(bundle)).toHaveLength(2);
    expect(blocks(bundle)[1]?.trim()).toBe(oldCa.certPem.trim());
    expect(Object.values(await webhookBundles(api))).toEqual([bundle, bundle, bundle, bundle]);
    // During the overlap the old pair is still served, and trusted through the bundle.
    expect((await servedCertificate(replica.running.url)).serialNumber).toBe(
      new X509Certificate(serving.certPem).serialNumber,
    );
    expect((await replica.get('/healthz', bundle)).status).toBe(200);

    clock.offsetMs = 11 * 60_000; // past the 10-minute overlap
    const newCa = new X509Certificate(rotated?.data['ca.crt'] ?? '');
    await eventually('a serving certificate from the new CA', async () =>
      (await servedCertificate(replica.running.url)).checkIssued(newCa) ? true : undefined,
    );
    expect(blocks((await readSecret(api))?.data['ca-bundle.crt'])).toHaveLength(2);
  });

  it('sets the caBundle again when a re-apply of the manifests blanks it (watch)', async () => {
    const replica = await start();
    await ready(replica);
    const bundle = (await readSecret(api))?.data['ca-bundle.crt'];
    for (const manifest of webhookManifests()) api.upsert(manifest);
    expect(Object.values(await webhookBundles(api))).toContain(undefined);
    await eventually(
      'the caBundle set again',
      async () => {
        const bundles = Object.values(await webhookBundles(api));
        return bundles.every((b) => b === bundle) ? true : undefined;
      },
      5000,
    );
  });

  it('regenerates a Secret whose contents are broken, saying why', async () => {
    api.upsert({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: SECRET, namespace: NAMESPACE },
      type: 'Opaque',
      data: { 'ca.crt': Buffer.from('not a certificate').toString('base64'), 'tls.key': 'AAAA' },
    } as never);
    const replica = await start();
    await ready(replica);
    const secret = await readSecret(api);
    expect(secret?.object['type']).toBe('Opaque'); // the type of a Secret cannot change
    expect(new X509Certificate(secret?.data['ca.crt'] ?? '').ca).toBe(true);
    const line = replica.logs.lines.find((l) => l['step'] === 'regenerate');
    expect(line).toMatchObject({ level: 'warn', reason: 'no usable CA: ca.crt is not a PEM certificate' });
    expect(String(line?.['msg'])).toMatch(/unusable/);
    expect((await replica.get('/healthz', secret?.data['ca-bundle.crt'])).status).toBe(200);
  });

  it('retries failed webhook patches without crashing', async () => {
    const path = '/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/corral-admission';
    api.failNext(2, { path, code: 500 });
    const replica = await start();
    await ready(replica);
    const bundle = (await readSecret(api))?.data['ca-bundle.crt'];
    expect(Object.values(await webhookBundles(api)).every((b) => b === bundle)).toBe(true);
    expect(replica.logs.lines.some((l) => l['level'] === 'warn' && /retrying/.test(String(l['msg'])))).toBe(
      true,
    );
  });
});
