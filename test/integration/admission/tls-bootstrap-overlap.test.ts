/**
 * The certificate bootstrap when the CA changes without a planned rotation, or under a replica whose
 * view of the Secret is older than the caBundles (docs/adr/0015), against the fake API server:
 * a deleted Secret keeps the old CA trusted and the old pairs served for the overlap; a replica never
 * drops a newer CA from a caBundle on the strength of an older Secret; `/readyz` turns false while a
 * caBundle does not trust what the replica serves.
 */
import { X509Certificate } from 'node:crypto';
import { createCertificateAuthority } from '@corral/admission';
import { startFakeApiServer, type FakeApiServer, type KubeObject } from '../fake-apiserver/index.js';
import {
  eventually,
  NAMESPACE,
  offsetClock,
  readSecret,
  ready,
  replicaPool,
  SECRET,
  SECRET_PATH,
  servedCertificate,
} from './support-tls.js';
import {
  blocks,
  distrusting,
  failBundlePatches,
  manifestsTrusting,
  MINUTE,
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

const subjects = (pem: string | undefined) => blocks(pem).map((b) => new X509Certificate(b).subject);
const MUTATING = `${WEBHOOKS}/mutatingwebhookconfigurations`;

describe('the webhook certificate bootstrap when the CA changes unplanned (fake API server)', () => {
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

  it('after the Secret is deleted, keeps the old CA in every caBundle and the old pairs served until the new CA has been trusted for the overlap', async () => {
    const { ca: oldCa, leaf } = await runningCluster(api, 1);
    const oldSerial = new X509Certificate(leaf.certPem).serialNumber;
    const clocks = [offsetClock(0), offsetClock(0)];
    const replicas = await Promise.all(clocks.map((clock) => start({ clock, flags: ROTATION_FLAGS })));
    await Promise.all(replicas.map((replica) => ready(replica)));
    const monitor = watchInvariant(api, replicas);

    api.remove({ apiVersion: 'v1', kind: 'Secret', metadata: { name: SECRET, namespace: NAMESPACE } });
    const secret = await eventually('a new Secret', async () => {
      const found = await readSecret(api);
      return found && found.data['ca.crt'] !== oldCa.certPem ? found : undefined;
    });
    const newCa = new X509Certificate(secret.data['ca.crt'] ?? '');
    // The new Secret trusts the CA the caBundles held beside its own, and counts as a rotation.
    expect(subjects(secret.data['ca-bundle.crt'])).toEqual([newCa.subject, 'CN=hand-made-1']);
    expect(
      (secret.object.metadata as { annotations?: Record<string, string> }).annotations?.[
        'corral.dev/ca-rotated-at'
      ],
    ).toBeDefined();
    await untilEveryBundleHolds(api, 2, 'both CAs in every caBundle');

    // A kube-apiserver that still trusts only the old caBundle: none of its calls is refused.
    const deadline = Date.now() + 3000;
    while (Date.now() < deadline) {
      for (const replica of replicas) {
        expect((await replica.get('/healthz', oldCa.certPem)).status).toBe(200);
        expect((await servedCertificate(replica.running.url)).serialNumber).toBe(oldSerial);
        expect((await replica.get('/readyz')).status).toBe(200);
      }
      await sleep(100);
    }

    // Past the overlap (counted on each replica's clock from its caBundle patch), they switch.
    for (const clock of clocks) clock.offsetMs = 12 * MINUTE;
    for (const replica of replicas) await untilServedFrom(replica, newCa);
    await sleep(500);
    expect(await monitor.stop()).toEqual([]);
    expect(subjects((await readSecret(api))?.data['ca-bundle.crt'])).toEqual([
      newCa.subject,
      'CN=hand-made-1',
    ]);
    const logs = replicas.flatMap((r) => r.logs.lines.map((l) => JSON.stringify(l))).join('\n');
    expect(logs).toMatch(/keeping the served certificate/);
    expect(logs).not.toMatch(/PRIVATE KEY|BEGIN CERTIFICATE/);
  });

  it('never patches a caBundle without a newer CA because its own read of the Secret is older', async () => {
    const { ca: oldCa, leaf } = await runningCluster(api, 1);
    const replica = await start({ flags: ROTATION_FLAGS });
    await ready(replica);
    // What another replica writes while this one is between its Secret read and its caBundle patch:
    // a rotated Secret (new CA first, the old one beside it) and both caBundles set from it.
    const newCa = await createCertificateAuthority({ commonName: 'newer', validityDays: 30 });
    const rotatedBundle = `${newCa.certPem.trim()}\n${oldCa.certPem.trim()}\n`;
    const rotated = secretOf(
      {
        'ca.crt': newCa.certPem,
        'ca.key': newCa.keyPem,
        'tls.crt': leaf.certPem,
        'tls.key': leaf.keyPem,
        'ca-bundle.crt': rotatedBundle,
      },
      { 'corral.dev/ca-rotated-at': new Date().toISOString() },
    );
    const versions = recordMutatingVersions(api);
    await sleep(300);
    let injectedAt: number | undefined;
    let secretReads = 0;
    before = (method, url) => {
      if (method === 'GET' && url.pathname === SECRET_PATH && url.searchParams.get('watch') === null) {
        secretReads += 1;
      }
      // The replica's periodic run has read the Secret (the older one) and now reads the configuration.
      const reading = method === 'GET' && url.pathname === `${MUTATING}/corral-admission`;
      if (!reading || injectedAt !== undefined || secretReads === 0) return false;
      injectedAt = Number(api.resourceVersion());
      api.upsert(rotated);
      for (const manifest of manifestsTrusting(rotatedBundle)) api.upsert(manifest);
      return false;
    };
    await eventually('the newer Secret and caBundles written mid-run', async () => injectedAt);
    await sleep(2500); // the replica's run, the watch events it gets, and a resync or two

    const after = (await versions.stop()).filter((v) => v.resourceVersion > (injectedAt ?? 0));
    expect(after.length).toBeGreaterThan(0);
    const dropped = after.filter((v) => v.bundles.some((b) => !b.includes(newCa.certPem.trim())));
    expect(dropped.map((v) => v.resourceVersion)).toEqual([]);
    expect(
      replica.logs.lines.some((l) => /the Secret changed since it was read/.test(String(l['msg']))),
    ).toBe(true);
    expect(await distrusting(api, replica)).toEqual([]);
    expect((await replica.get('/readyz')).status).toBe(200);
  });

  it('reports not ready while a caBundle does not trust the served certificate, and ready again once it does', async () => {
    await runningCluster(api, 1);
    const replica = await start({ flags: ROTATION_FLAGS });
    await ready(replica);
    const serial = (await servedCertificate(replica.running.url)).serialNumber;
    // The caBundle cannot be set for now, and a re-apply puts another CA in the validating one.
    failBundlePatches(api);
    const stranger = await createCertificateAuthority({ commonName: 'stranger', validityDays: 30 });
    const manifests: KubeObject[] = manifestsTrusting(stranger.certPem);
    const validating = manifests.find((m) => m.kind === 'ValidatingWebhookConfiguration');
    if (validating) api.upsert(validating);

    const unready = await eventually('not ready', async () => {
      const answer = await replica.get('/readyz');
      return answer.status === 503 ? answer : undefined;
    });
    expect(unready.body).toContain(
      `tls-ca-bundle: the served certificate ${serial} is not signed by a CA in the caBundle of ` +
        'workloads.validate.corral.dev (ValidatingWebhookConfiguration corral-admission), ' +
        'namespaces.validate.corral.dev (ValidatingWebhookConfiguration corral-admission), ' +
        'policies.validate.corral.dev (ValidatingWebhookConfiguration corral-admission)',
    );
    expect(unready.body).not.toContain('pods.mutate.corral.dev');
    expect(
      replica.logs.lines.some(
        (l) =>
          l['level'] === 'warn' && /a caBundle does not trust the served certificate/.test(String(l['msg'])),
      ),
    ).toBe(true);

    api.clearFailures();
    await ready(replica);
    expect(await distrusting(api, replica)).toEqual([]);
    expect((await servedCertificate(replica.running.url)).serialNumber).toBe(serial);
  });
});
