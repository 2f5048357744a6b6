/**
 * A replica restarted in the middle of a CA retirement, against the fake API server
 * (docs/admission.md#webhook-tls): its emptyDir still holds a pair signed by the retired CA, and
 * every caBundle already trusts the new CA beside it. It must not count the overlap from its
 * restart: the other replicas drop the retired CA twice the overlap after the retirement, and a
 * replica still serving a pair it signed would have its calls refused.
 */
import { X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCertificateAuthority, issueServingCertificate, type IssuedPair } from '@corral/admission';
import type { Clock } from '@corral/runtime';
import { startFakeApiServer, type FakeApiServer } from '../fake-apiserver/index.js';
import { httpsCall, startAdmissionService } from './support.js';
import {
  HOST,
  offsetClock,
  readSecret,
  ready,
  SECRET,
  servedCertificate,
  type TlsReplica,
} from './support-tls.js';
import {
  blocks,
  distrusting,
  manifestsTrusting,
  MINUTE,
  pairData,
  ROTATION_FLAGS,
  secretOf,
  sleep,
  untilEveryBundleHolds,
  untilServedFrom,
  watchInvariant,
} from './support-tls-attacks.js';

const leafOf = (ca: IssuedPair) =>
  issueServingCertificate({ ca, dnsNames: [HOST, `${HOST}.cluster.local`], validityDays: 10 });

/**
 * A replica whose serving files already hold `pair` when it starts: a container restarted in a pod
 * whose emptyDir kept what the previous container served.
 */
async function startWithFiles(
  api: FakeApiServer,
  pair: IssuedPair | undefined,
  clock: Clock,
): Promise<TlsReplica> {
  const dir = mkdtempSync(join(tmpdir(), 'corral-adm-tls-restart-'));
  const certFile = join(dir, 'tls', 'tls.crt');
  const keyFile = join(dir, 'tls', 'tls.key');
  if (pair) {
    mkdirSync(join(dir, 'tls'), { recursive: true });
    writeFileSync(certFile, pair.certPem);
    writeFileSync(keyFile, pair.keyPem);
  }
  const { running, logs } = await startAdmissionService({
    api,
    token: 'tls-token',
    dir,
    clock,
    flags: [
      '--no-shared-quota',
      '--no-department-status',
      '--no-events',
      `--tls-cert=${certFile}`,
      `--tls-key=${keyFile}`,
      `--tls-bootstrap-secret=${SECRET}`,
      ...ROTATION_FLAGS,
    ],
  });
  const get = (path: string, ca?: string) =>
    httpsCall(`${running.url}${path}`, { servername: HOST, ...(ca ? { ca } : {}) }).then((r) => ({
      status: r.status,
      body: r.text,
    }));
  return { running, logs, certFile, get };
}

describe('a replica restarted during a CA retirement (fake API server)', () => {
  let api: FakeApiServer;
  const replicas: TlsReplica[] = [];
  let old: IssuedPair;
  let fresh: IssuedPair;
  let oldLeaf: IssuedPair;

  /**
   * The cluster `minutesAgo` after `corral.dev/retire-ca: current` was taken up: CA `fresh` replaced
   * `old`, the Secret serves from `fresh`, the bundle and every caBundle hold both.
   */
  async function retiredMinutesAgo(minutesAgo: number) {
    old = await createCertificateAuthority({ commonName: 'old', validityDays: 30 });
    fresh = await createCertificateAuthority({ commonName: 'fresh', validityDays: 30 });
    oldLeaf = await leafOf(old);
    const both = `${fresh.certPem.trim()}\n${old.certPem.trim()}\n`;
    const at = new Date(Date.now() - minutesAgo * MINUTE).toISOString();
    const retired = { [new X509Certificate(old.certPem).fingerprint256]: at };
    api.upsert(
      secretOf(pairData(fresh, await leafOf(fresh), both), {
        'corral.dev/ca-rotated-at': at,
        'corral.dev/retired-cas': JSON.stringify(retired),
      }),
    );
    for (const manifest of manifestsTrusting(both)) api.upsert(manifest);
  }

  const start = async (pair: IssuedPair | undefined, clock: Clock) => {
    const replica = await startWithFiles(api, pair, clock);
    replicas.push(replica);
    return replica;
  };
  const logText = (replica: TlsReplica) => replica.logs.lines.map((l) => JSON.stringify(l)).join('\n');

  beforeEach(async () => {
    api = await startFakeApiServer();
  });
  afterEach(async () => {
    await Promise.all(replicas.splice(0).map((r) => r.running.stop()));
    await api.close();
  });

  it('restarted 15 minutes after the retirement, with a pair of the retired CA in its files: serves the new CA at once, and no call is refused when another replica drops the retired CA', async () => {
    await retiredMinutesAgo(15);
    // A replica running since the retirement: its caBundle patch trusted the new CA 15 minutes ago.
    const runningSince = offsetClock(-15 * MINUTE);
    const other = await start(undefined, runningSince);
    await ready(other);
    const freshCert = new X509Certificate(fresh.certPem);
    await untilServedFrom(other, freshCert);
    runningSince.offsetMs = 0;

    // The restarted one: same clock as the cluster, the retired CA's pair still in its emptyDir.
    const restarted = await start(oldLeaf, offsetClock(0));
    await ready(restarted);
    const served = await servedCertificate(restarted.running.url);
    expect(served.checkIssued(freshCert)).toBe(true);
    expect(logText(restarted)).not.toMatch(/keeping the served certificate/);

    // 20 minutes after the retirement on the running replica's clock: the retired CA goes.
    const monitor = watchInvariant(api, [other, restarted]);
    runningSince.offsetMs = 6 * MINUTE;
    await untilEveryBundleHolds(api, 1, 'the retired CA gone from every caBundle');
    await sleep(1500);
    expect(await monitor.stop()).toEqual([]);
    expect(blocks((await readSecret(api))?.data['ca-bundle.crt'])).toHaveLength(1);
    for (const replica of [other, restarted]) {
      expect(await distrusting(api, replica)).toEqual([]);
      expect((await replica.get('/readyz')).status).toBe(200);
    }
  });

  it('restarted 2 minutes after the retirement: keeps the retired pair only until 10 minutes after the replacement, not 10 minutes after its restart', async () => {
    await retiredMinutesAgo(2);
    const clock = offsetClock(0);
    const restarted = await start(oldLeaf, clock);
    await ready(restarted);
    const oldCert = new X509Certificate(old.certPem);
    expect((await servedCertificate(restarted.running.url)).checkIssued(oldCert)).toBe(true);
    const kept = restarted.logs.lines.find((l) => /keeping the served certificate/.test(String(l['msg'])));
    const until = Date.parse(String(kept?.['until']));
    // 8 minutes from now (the replacement's overlap), not 10 (its restart's).
    expect(Math.abs(until - (Date.now() + 8 * MINUTE))).toBeLessThan(MINUTE / 2);

    clock.offsetMs = 8 * MINUTE + 5000;
    await untilServedFrom(restarted, new X509Certificate(fresh.certPem));
    expect(await distrusting(api, restarted)).toEqual([]);
  });

  it('restarted while a caBundle lacks the new CA: its own patch starts the overlap, as before', async () => {
    await retiredMinutesAgo(15);
    // The caBundles were set back to the retired CA alone just before (a hand edit, a restore).
    for (const manifest of manifestsTrusting(old.certPem)) api.upsert(manifest);
    const clock = offsetClock(0);
    const restarted = await start(oldLeaf, clock);
    await ready(restarted);
    await untilEveryBundleHolds(api, 2, 'the new CA patched in beside the retired one');
    const oldCert = new X509Certificate(old.certPem);
    expect((await servedCertificate(restarted.running.url)).checkIssued(oldCert)).toBe(true);
    expect(logText(restarted)).toMatch(/keeping the served certificate/);
  });
});
