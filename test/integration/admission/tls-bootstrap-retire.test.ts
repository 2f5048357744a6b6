/**
 * The revoke switch of the certificate bootstrap against the fake API server (docs/admission.md#webhook-tls):
 * the admin annotates the Secret `corral.dev/retire-ca: current`; the replicas replace the CA, keep
 * serving their still-trusted pairs until the new CA has been in every caBundle for the overlap,
 * switch, and then drop the retired CA from every caBundle for good; a replica whose read of the
 * Secret predates the drop cannot put it back.
 */
import { X509Certificate } from 'node:crypto';
import { createCertificateAuthority, issueServingCertificate } from '@corral/admission';
import { startFakeApiServer, type FakeApiServer, type KubeObject } from '../fake-apiserver/index.js';
import {
  eventually,
  HOST,
  offsetClock,
  readSecret,
  ready,
  replicaPool,
  SECRET_PATH,
  servedCertificate,
  webhookBundles,
} from './support-tls.js';
import {
  blocks,
  distrusting,
  manifestsTrusting,
  MINUTE,
  pairData,
  recordMutatingVersions,
  ROTATION_FLAGS,
  runningCluster,
  secretOf,
  sleep,
  untilEveryBundleHolds,
  untilServedFrom,
  watchInvariant,
  WEBHOOKS,
} from './support-tls-attacks.js';

const MUTATING = `${WEBHOOKS}/mutatingwebhookconfigurations`;
const annotationsOf = (object: KubeObject | undefined) =>
  (object?.metadata as { annotations?: Record<string, string> } | undefined)?.annotations ?? {};

describe('retiring the webhook CA without an outage (fake API server)', () => {
  let api: FakeApiServer;
  /** Called before the fake API server answers each request; true: it answered itself. */
  let before: (method: string, url: URL) => boolean = () => false;
  const { start, stopAll } = replicaPool(() => api);

  beforeEach(async () => {
    before = () => false;
    api = await startFakeApiServer({ extra: (req, _res, url) => before(req.method ?? '', url) });
  });
  afterEach(async () => {
    before = () => false;
    await stopAll();
    await api.close();
  });

  it('revoke requested → new CA in every caBundle → served pairs switched after the overlap → old CA gone for good', async () => {
    const { ca: oldCa, leaf } = await runningCluster(api, 1);
    const oldCert = new X509Certificate(oldCa.certPem);
    const oldSerial = new X509Certificate(leaf.certPem).serialNumber;
    const clocks = [offsetClock(0), offsetClock(0)];
    const replicas = await Promise.all(clocks.map((clock) => start({ clock, flags: ROTATION_FLAGS })));
    await Promise.all(replicas.map((replica) => ready(replica)));
    const monitor = watchInvariant(api, replicas);
    const versions = recordMutatingVersions(api);

    // The admin: kubectl annotate secret corral-admission-tls corral.dev/retire-ca=current
    const secret = (await readSecret(api))?.object as KubeObject;
    api.upsert({
      ...secret,
      metadata: {
        ...secret.metadata,
        annotations: { ...annotationsOf(secret), 'corral.dev/retire-ca': 'current' },
      },
    } as KubeObject);

    const rotated = await eventually('the CA replaced', async () => {
      const found = await readSecret(api);
      return found && found.data['ca.crt'] !== oldCa.certPem ? found : undefined;
    });
    const annotations = annotationsOf(rotated.object);
    expect(annotations['corral.dev/retire-ca']).toBeUndefined();
    expect(Object.keys(JSON.parse(annotations['corral.dev/retired-cas'] ?? '{}') as object)).toEqual([
      oldCert.fingerprint256,
    ]);
    const newCa = new X509Certificate(rotated.data['ca.crt'] ?? '');
    expect(blocks(rotated.data['ca-bundle.crt']).map((b) => new X509Certificate(b).fingerprint256)).toEqual([
      newCa.fingerprint256,
      oldCert.fingerprint256,
    ]);
    await untilEveryBundleHolds(api, 2, 'the new CA beside the retired one in every caBundle');

    // A kube-apiserver that still trusts only the old caBundle: none of its calls is refused.
    const deadline = Date.now() + 2500;
    while (Date.now() < deadline) {
      for (const replica of replicas) {
        expect((await replica.get('/healthz', oldCa.certPem)).status).toBe(200);
        expect((await servedCertificate(replica.running.url)).serialNumber).toBe(oldSerial);
      }
      await sleep(100);
    }

    // Past the overlap (each replica's own clock, from its caBundle patch): served pairs switch; the
    // retired CA is still trusted, for the replicas that have not switched yet.
    for (const clock of clocks) clock.offsetMs = 12 * MINUTE;
    for (const replica of replicas) await untilServedFrom(replica, newCa);
    expect(Object.values(await webhookBundles(api)).every((b) => blocks(b).length === 2)).toBe(true);

    // Twice the overlap on: it leaves the Secret and every caBundle, and stays out.
    for (const clock of clocks) clock.offsetMs = 25 * MINUTE;
    await untilEveryBundleHolds(api, 1, 'the retired CA gone from every caBundle');
    const droppedAt = Number(api.resourceVersion());
    await sleep(2500); // resyncs every second on both replicas
    expect(Object.values(await webhookBundles(api)).every((b) => !b?.includes(oldCa.certPem.trim()))).toBe(
      true,
    );
    const final = await readSecret(api);
    expect(blocks(final?.data['ca-bundle.crt'])).toHaveLength(1);
    expect(annotationsOf(final?.object)['corral.dev/retired-cas']).toContain(oldCert.fingerprint256);
    const seen = await versions.stop();
    const readded = seen.filter(
      (v) => v.resourceVersion > droppedAt && v.bundles.some((b) => b.includes(oldCa.certPem.trim())),
    );
    expect(readded).toEqual([]);
    expect(await monitor.stop()).toEqual([]);
    for (const replica of replicas) {
      expect(await distrusting(api, replica)).toEqual([]);
      expect((await replica.get('/readyz')).status).toBe(200);
      expect((await replica.get('/metrics')).body).toMatch(
        /^corral_admission_retired_cas_trusted(\{[^}]*\})? 0$/m,
      );
    }

    const lines = replicas.flatMap((r) => r.logs.lines);
    const text = lines.map((l) => JSON.stringify(l)).join('\n');
    for (const step of [
      /took up the request to retire a webhook CA/,
      /the webhook CA is retired: generated a new CA/,
      /keeping the served certificate/,
      /serving the certificate from the Secret/,
      /the retired CA .* has had its overlap/,
      /the retired CA is out of every caBundle/,
    ]) {
      expect(text).toMatch(step);
    }
    expect(text).not.toMatch(/PRIVATE KEY|BEGIN CERTIFICATE/);
  });

  it('a replica whose read of the Secret predates the drop cannot put the retired CA back into a caBundle', async () => {
    // After a retirement: CA NEW serves, the retired OLD is still in the bundle; 25 minutes on.
    const oldCa = await createCertificateAuthority({ commonName: 'old', validityDays: 30 });
    const newCa = await createCertificateAuthority({ commonName: 'new', validityDays: 30 });
    const leaf = await issueServingCertificate({
      ca: newCa,
      dnsNames: [HOST, `${HOST}.cluster.local`],
      validityDays: 10,
    });
    const both = `${newCa.certPem.trim()}\n${oldCa.certPem.trim()}\n`;
    const retiredAt = new Date(Date.now() - 25 * MINUTE).toISOString();
    const oldFingerprint = new X509Certificate(oldCa.certPem).fingerprint256;
    const annotations = {
      'corral.dev/ca-rotated-at': retiredAt,
      'corral.dev/retired-cas': JSON.stringify({ [oldFingerprint]: retiredAt }),
    };
    api.upsert(secretOf(pairData(newCa, leaf, both), annotations));
    for (const manifest of manifestsTrusting(both)) api.upsert(manifest);
    // Its caBundles first trusted NEW just now (it started late): it would not drop OLD for 20 minutes.
    const replica = await start({ flags: ROTATION_FLAGS });
    await ready(replica);
    const versions = recordMutatingVersions(api);
    await sleep(300);

    // Another replica drops OLD (Secret, then caBundles) while this one is between its Secret read
    // and its read of the mutating configuration.
    let last = '';
    let injectedAt: number | undefined;
    before = (method, url) => {
      if (method !== 'GET' || url.searchParams.get('watch') !== null) return false;
      const previous = last;
      last = url.pathname;
      if (
        url.pathname !== `${MUTATING}/corral-admission` ||
        previous !== SECRET_PATH ||
        injectedAt !== undefined
      ) {
        return false;
      }
      injectedAt = Number(api.resourceVersion());
      api.upsert(secretOf(pairData(newCa, leaf, newCa.certPem), annotations));
      for (const manifest of manifestsTrusting(newCa.certPem)) api.upsert(manifest);
      return false;
    };
    await eventually('the drop written mid-run', async () => injectedAt);
    await sleep(2500); // the replica's run, the watch events it gets, and a resync or two

    const after = (await versions.stop()).filter((v) => v.resourceVersion > (injectedAt ?? 0));
    expect(after.length).toBeGreaterThan(0);
    const readded = after.filter((v) => v.bundles.some((b) => b.includes(oldCa.certPem.trim())));
    expect(readded.map((v) => v.resourceVersion)).toEqual([]);
    expect(Object.values(await webhookBundles(api)).every((b) => blocks(b).length === 1)).toBe(true);
    expect(
      replica.logs.lines.some((l) => /the Secret changed since it was read/.test(String(l['msg']))),
    ).toBe(true);
    expect(await distrusting(api, replica)).toEqual([]);
    expect((await replica.get('/readyz')).status).toBe(200);
  });
});
