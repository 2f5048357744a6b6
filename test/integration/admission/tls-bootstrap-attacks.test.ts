/**
 * Adversarial cases for the webhook certificate bootstrap (docs/adr/0015) against the fake API server:
 * API failures in the middle of a CA rotation, a hand-edited Secret the server cannot serve, a
 * request that never gets an answer, a bundle holding things that are not CA certificates.
 * The invariant checked throughout: a replica never serves a certificate that some webhook's caBundle
 * does not trust (kube-apiserver would refuse the calls).
 */
import { X509Certificate } from 'node:crypto';
import { createCertificateAuthority, issueServingCertificate } from '@corral/admission';
import { startFakeApiServer, type FakeApiServer } from '../fake-apiserver/index.js';
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
  webhookManifests,
} from './support-tls.js';
import {
  blocks,
  caAndLeaf,
  DAY,
  distrusting,
  failBundlePatches,
  manifestsTrusting,
  MINUTE,
  pairData,
  ROTATION_FLAGS,
  runningCluster,
  secretCertificate,
  secretOf,
  servesFrom,
  sleep,
  untilEveryBundleHolds,
  untilServedFrom,
  watchServed,
} from './support-tls-attacks.js';

describe('the webhook certificate bootstrap under attack (fake API server)', () => {
  let api: FakeApiServer;
  /** Requests for which `hang` returns true get no answer at all (a half-open connection). */
  let hang: (method: string, path: string) => boolean = () => false;
  const { start, stopAll } = replicaPool(() => api);

  beforeEach(async () => {
    hang = () => false;
    api = await startFakeApiServer({ extra: (req, _res, url) => hang(req.method ?? '', url.pathname) });
  });
  afterEach(async () => {
    hang = () => false;
    await stopAll();
    await api.close();
  });

  it('never serves a certificate from the new CA while the caBundle patches fail, even past the overlap', async () => {
    // A running cluster: a 30-day CA made 21 days ago (due for rotation at day 20), every caBundle
    // trusting it, and a serving certificate it signed.
    await runningCluster(api, 21);
    const clock = offsetClock(-2 * DAY); // not yet due
    const replica = await start({ clock, flags: ROTATION_FLAGS });
    await ready(replica);
    expect(await distrusting(api, replica)).toEqual([]);

    // The caBundle cannot be patched from now on (500s) while the CA rotation falls due and its
    // overlap passes.
    failBundlePatches(api);
    clock.offsetMs = 0;
    await eventually('the CA rotated in the Secret', async () =>
      blocks((await readSecret(api))?.data['ca-bundle.crt']).length === 2 ? true : undefined,
    );
    const newCa = await secretCertificate(api, 'ca.crt');
    clock.offsetMs = 11 * MINUTE;
    await watchServed(api, replica, 2);
    expect((await secretCertificate(api, 'tls.crt')).checkIssued(newCa)).toBe(false);
    expect((await replica.get('/readyz')).status).toBe(200);

    // Once the patches go through, every caBundle trusts both CAs; the serving certificate switches
    // to the new CA only a full overlap later.
    api.clearFailures();
    await untilEveryBundleHolds(api, 2, 'the caBundle patched');
    await sleep(1500);
    expect(await servesFrom(replica, newCa)).toBe(false);
    clock.offsetMs = 22 * MINUTE;
    await untilServedFrom(replica, newCa);
    expect(await distrusting(api, replica)).toEqual([]);
  });

  it('never serves a new CA from a hand-broken Secret before every caBundle has trusted it for the overlap', async () => {
    const { ca, leaf } = await runningCluster(api, 1);
    const clock = offsetClock(0);
    const replica = await start({ clock, flags: ROTATION_FLAGS });
    await ready(replica);
    failBundlePatches(api);
    // ca.key edited by hand into one that does not belong to ca.crt: the CA is regenerated.
    const other = await createCertificateAuthority({ commonName: 'stray', validityDays: 30 });
    api.upsert(secretOf({ ...pairData(ca, leaf), 'ca.key': other.keyPem }));
    await eventually('a new CA in the Secret', async () =>
      (await readSecret(api))?.data['ca.crt'] !== ca.certPem ? true : undefined,
    );
    await watchServed(api, replica, 2);
    api.clearFailures();
    const newCa = await secretCertificate(api, 'ca.crt');
    // The old CA stays in the bundle beside the new one, and the old pair in service for the overlap.
    await untilEveryBundleHolds(api, 2, 'the caBundle patched');
    await sleep(1500);
    expect(await servesFrom(replica, newCa)).toBe(false);
    expect((await servedCertificate(replica.running.url)).serialNumber).toBe(
      new X509Certificate(leaf.certPem).serialNumber,
    );
    clock.offsetMs = 12 * MINUTE;
    await untilServedFrom(replica, newCa);
    expect(await distrusting(api, replica)).toEqual([]);
  });

  it('keeps the CA rotation overlap when a replica whose clock runs 15 minutes ahead joins during it', async () => {
    await runningCluster(api, 21);
    const flags = ROTATION_FLAGS;
    const clockA = offsetClock(-2 * DAY);
    const a = await start({ clock: clockA, flags });
    await ready(a);
    clockA.offsetMs = 0; // the rotation falls due: A rotates, every caBundle trusts both CAs
    await untilEveryBundleHolds(api, 2, 'the CA rotated in every caBundle');
    const newCa = await secretCertificate(api, 'ca.crt');
    const fromNewCa = async () => (await secretCertificate(api, 'tls.crt')).checkIssued(newCa);

    // A minute into the overlap, B starts on a node whose clock is 15 minutes ahead.
    clockA.offsetMs = MINUTE;
    const clockB = offsetClock(16 * MINUTE);
    const b = await start({ clock: clockB, flags });
    await ready(b);
    await sleep(2500); // a few resyncs of both
    expect(await fromNewCa()).toBe(false);
    for (const replica of [a, b]) {
      expect(await servesFrom(replica, newCa)).toBe(false);
    }

    // Ten minutes after the caBundle trusted the new CA (by either clock), both switch to it.
    clockA.offsetMs = 12 * MINUTE;
    clockB.offsetMs = 27 * MINUTE;
    for (const replica of [a, b]) {
      await untilServedFrom(replica, newCa);
      expect(await distrusting(api, replica)).toEqual([]);
    }
  });

  it('repairs a tls.crt that TLS refuses (a garbage block after the certificate) instead of waiting for it forever', async () => {
    const { ca, leaf } = await caAndLeaf(1, 30, 10);
    const broken = `${leaf.certPem}-----BEGIN CERTIFICATE-----\nAAAAnot*base64\n-----END CERTIFICATE-----\n`;
    api.upsert(secretOf({ ...pairData(ca, leaf), 'tls.crt': broken }));
    for (const manifest of webhookManifests()) api.upsert(manifest);
    const replica = await start({ flags: ['--tls-ca-validity-days=30', '--tls-cert-validity-days=10'] });
    await ready(replica, 8000);
    const secret = await readSecret(api);
    expect(blocks(secret?.data['tls.crt'])).toHaveLength(1);
    expect(secret?.data['ca.crt']).toBe(ca.certPem); // the CA was fine: kept
    const line = replica.logs.lines.find((l) => l['step'] === 'renew-serving');
    expect(String(line?.['reason'])).toMatch(/tls\.crt/);
    expect(await distrusting(api, replica)).toEqual([]);
  });

  it.each<
    [string, (m: Record<string, string>, o: Record<string, string>) => Record<string, string>, string, RegExp]
  >([
    ['no ca.key', ({ 'ca.key': _, ...m }) => m, 'regenerate', /ca.key is missing/],
    ['no tls.crt', ({ 'tls.crt': _, ...m }) => m, 'renew-serving', /tls.crt is missing/],
    [
      'no ca-bundle.crt',
      ({ 'ca-bundle.crt': _, ...m }) => m,
      'update-bundle',
      /does not contain the current CA/,
    ],
    [
      'a tls.key of another pair',
      (m, o) => ({ ...m, 'tls.key': o['tls.key'] ?? '' }),
      'renew-serving',
      /tls.key does not belong/,
    ],
    [
      'a ca.crt that did not sign tls.crt',
      (m, o) => ({ ...m, 'tls.crt': o['tls.crt'] ?? '', 'tls.key': o['tls.key'] ?? '' }),
      'renew-serving',
      /not signed by a CA of the bundle/,
    ],
    [
      'PEM garbage in ca.crt',
      (m) => ({ ...m, 'ca.crt': '-----BEGIN CERTIFICATE-----\nAA*A\n-----END CERTIFICATE-----\n' }),
      'regenerate',
      /ca.crt is not a PEM certificate/,
    ],
    [
      'an expired CA',
      (_m, o) => ({ ...o, 'ca.crt': o['expired.crt'] ?? '', 'ca.key': o['expired.key'] ?? '' }),
      'regenerate',
      /CA expired/,
    ],
    [
      'a serving certificate for other names',
      (m, o) => ({ ...m, 'tls.crt': o['wrong.crt'] ?? '', 'tls.key': o['wrong.key'] ?? '' }),
      'renew-serving',
      /lacks the name/,
    ],
  ])(
    'given a Secret edited by hand (%s), repairs it, logs why, and serves a trusted pair',
    async (_case, edit, step, reason) => {
      const { ca, leaf } = await caAndLeaf(1, 30, 10);
      const other = await caAndLeaf(1, 30, 10);
      const expired = await createCertificateAuthority({
        commonName: 'expired',
        validityDays: 3,
        now: new Date(Date.now() - 4 * DAY),
      });
      const wrong = await issueServingCertificate({
        ca,
        dnsNames: ['corral-admission.other.svc'],
        validityDays: 5,
      });
      const others = {
        ...pairData(other.ca, other.leaf),
        'expired.crt': expired.certPem,
        'expired.key': expired.keyPem,
        'wrong.crt': wrong.certPem,
        'wrong.key': wrong.keyPem,
      };
      api.upsert(secretOf(edit(pairData(ca, leaf), others)));
      for (const manifest of webhookManifests()) api.upsert(manifest);
      const replica = await start({ flags: ['--tls-ca-validity-days=30', '--tls-cert-validity-days=10'] });
      await ready(replica);
      const line = replica.logs.lines.find((l) => l['step'] === step);
      expect(String(line?.['reason'])).toMatch(reason);
      expect(line?.['level']).toBe(step === 'regenerate' ? 'warn' : 'info');
      const secret = await readSecret(api);
      const served = await servedCertificate(replica.running.url);
      expect(served.serialNumber).toBe(new X509Certificate(secret?.data['tls.crt'] ?? '').serialNumber);
      expect(served.checkIssued(new X509Certificate(secret?.data['ca.crt'] ?? ''))).toBe(true);
      expect(served.checkHost(HOST)).toBe(HOST);
      expect(await distrusting(api, replica)).toEqual([]);
      expect(replica.logs.lines.filter((l) => /retrying/.test(String(l['msg'])))).toEqual([]);
    },
  );

  it('renews a serving certificate not valid yet (issued by a clock 20 minutes ahead), and the two replicas settle', async () => {
    const { ca } = await caAndLeaf(1, 30, 10);
    const ahead = await issueServingCertificate({
      ca,
      dnsNames: [HOST, `${HOST}.cluster.local`],
      validityDays: 10,
      now: new Date(Date.now() + 20 * MINUTE),
    });
    api.upsert(secretOf(pairData(ca, ahead)));
    for (const manifest of manifestsTrusting(ca.certPem)) api.upsert(manifest);
    const flags = ROTATION_FLAGS;
    const [b, a] = await Promise.all([start({ flags }), start({ clock: offsetClock(20 * MINUTE), flags })]);
    await Promise.all([ready(a), ready(b)]);
    for (const replica of [a, b]) {
      await eventually('a serving certificate valid now', async () =>
        Date.parse((await servedCertificate(replica.running.url)).validFrom) <= Date.now() ? true : undefined,
      );
      expect(await distrusting(api, replica)).toEqual([]);
    }
    const renewals = () =>
      [a, b].flatMap((r) => r.logs.lines).filter((l) => l['step'] === 'renew-serving').length;
    expect(renewals()).toBeGreaterThanOrEqual(1);
    const settled = renewals();
    await sleep(2500); // resyncs of both: no replica renews again
    expect(renewals()).toBe(settled);
  });

  it('gives up on an API request that never gets an answer, and retries', async () => {
    for (const manifest of webhookManifests()) api.upsert(manifest);
    let swallowed = 0;
    hang = (method, path) => method === 'GET' && path === SECRET_PATH && swallowed++ === 0;
    const replica = await start();
    await ready(replica, 18_000);
    expect(swallowed).toBeGreaterThan(1);
    expect(
      replica.logs.lines.some(
        (l) => l['level'] === 'warn' && /no answer within/.test(JSON.stringify(l['err'] ?? '')),
      ),
    ).toBe(true);
  }, 25_000);

  it('rewrites a caBundle holding entries that are not CA certificates (a leaf, garbage), keeping every valid CA', async () => {
    const { ca, leaf } = await caAndLeaf(1, 30, 10);
    const others = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        createCertificateAuthority({ commonName: `other-${i}`, validityDays: 30 }),
      ),
    );
    const garbage = '-----BEGIN CERTIFICATE-----\nAAAAnot*base64\n-----END CERTIFICATE-----\n';
    // Ten entries: our CA, eight other CAs, a serving certificate; then a garbage block.
    const bundle = [ca.certPem, ...others.map((o) => o.certPem), leaf.certPem, garbage].join('\n');
    api.upsert(secretOf(pairData(ca, leaf, bundle)));
    for (const manifest of webhookManifests()) api.upsert(manifest);
    const replica = await start({ flags: ['--tls-ca-validity-days=30', '--tls-cert-validity-days=10'] });
    await ready(replica);
    const kept = blocks((await readSecret(api))?.data['ca-bundle.crt']);
    expect(kept.map((pem) => new X509Certificate(pem).subject)).toEqual(
      [ca, ...others].map((c) => new X509Certificate(c.certPem).subject),
    );
    for (const hook of Object.values(await webhookBundles(api))) {
      expect(blocks(hook).every((pem) => new X509Certificate(pem).ca)).toBe(true);
      expect(hook).not.toContain('not*base64');
    }
    expect(replica.logs.lines.find((l) => l['step'] === 'update-bundle')?.['reason']).toMatch(
      /not CA certificates/,
    );
  });
});
