/**
 * A replica restarted during a CA retirement (its emptyDir still holding a pair the retired CA
 * signed): its choice of the served pair side by side with the drop time of a replica running since
 * the retirement, against the invariant that no replica still serves a pair of the retired CA once
 * some replica may drop it from the caBundles.
 */
import { retiredDropTime } from './ca-retirement.js';
import type { CertificateInfo, CertificatePolicy, ServingInfo, TlsSecretState } from './certificates.js';
import { chooseServedPair, trustedBeforeStart } from './served-pair.js';

const DAY = 86_400_000;
const MINUTE = 60_000;
const T0 = Date.parse('2026-06-01T00:00:00Z');
const NAMES = ['corral-admission.corral-system.svc'];
const policy: CertificatePolicy = { dnsNames: NAMES, renewAtFraction: 2 / 3, caOverlapMs: 10 * MINUTE };
const OVERLAP = policy.caOverlapMs;

const cert = (fingerprint256: string): CertificateInfo => ({
  serialNumber: `serial-${fingerprint256}`,
  fingerprint256,
  notBefore: T0 - DAY,
  notAfter: T0 + 300 * DAY,
});
const leaf = (name: string, issuer: string): ServingInfo => ({ ...cert(name), dnsNames: NAMES, issuer });
const retiredOld = { fingerprint256: 'OLD', retiredAt: T0 };
/**
 * The Secret after `corral.dev/retire-ca: current` was taken up at T0 (NEW replaced the retired OLD),
 * as a replica restarted at `restart` sees it: its own record starts at its restart.
 */
const restarted = (restart: number, overrides: Partial<TlsSecretState> = {}): TlsSecretState => ({
  ca: { ok: true, value: cert('NEW') },
  serving: { ok: true, value: leaf('SECRET-LEAF', 'NEW') },
  bundle: [cert('NEW'), cert('OLD')],
  caRotatedAt: T0,
  caTrustedSince: restart,
  caHeldAtFirstRead: restart,
  retired: [retiredOld],
  ...overrides,
});
const oldPair = { ok: true as const, value: leaf('OLD-LEAF', 'OLD') };

/** When the replica stops serving the pair in its files, as decided at its restart. */
function switchTime(state: TlsSecretState, restart: number): number {
  const choice = chooseServedPair(state, oldPair, policy, restart);
  return choice.kind === 'held' ? choice.until : restart;
}

describe('a replica restarted during a retirement, its files holding a pair of the retired CA', () => {
  // The replica running all along patched the caBundles with NEW a second after the retirement.
  const firstDrop = retiredDropTime(retiredOld, T0 + 1000, OVERLAP);

  it.each([2, 9, 12, 15, 19])(
    'restarted %i minutes in, NEW in every caBundle at its first read: switches 10 minutes after the replacement or at once, before any replica drops OLD',
    (minutes) => {
      const restart = T0 + minutes * MINUTE;
      const switchAt = switchTime(restarted(restart), restart);
      expect(switchAt).toBe(Math.max(restart, T0 + OVERLAP));
      expect(switchAt).toBeLessThan(firstDrop);
    },
  );

  it('restarted 15 minutes in while some caBundle lacked NEW at its first read: counts from its own patch', () => {
    const restart = T0 + 15 * MINUTE;
    const state = restarted(restart, { caHeldAtFirstRead: undefined });
    expect(switchTime(state, restart)).toBe(restart + OVERLAP);
  });

  it('a pair of a CA that is not retired (a deleted Secret): keeps the whole overlap from its own patch', () => {
    const restart = T0 + 15 * MINUTE;
    const state = restarted(restart, { retired: [] });
    expect(switchTime(state, restart)).toBe(restart + OVERLAP);
  });

  it('a writer whose clock ran ahead (ca-rotated-at after the first read): no longer than its own overlap', () => {
    const restart = T0 + 15 * MINUTE;
    const state = restarted(restart, { caRotatedAt: restart + 30 * MINUTE });
    expect(switchTime(state, restart)).toBe(restart + OVERLAP);
  });
});

describe('trustedBeforeStart', () => {
  const read = T0 + 30 * MINUTE;
  it.each<[string, number | undefined, number]>([
    ['from ca-rotated-at', read - 4 * MINUTE, read - 4 * MINUTE],
    ['never after the first read (a writer whose clock runs ahead)', read + 5 * MINUTE, read],
    ['from the first read when the Secret does not say', undefined, read],
  ])('%s', (_what, rotatedAt, expected) => {
    expect(trustedBeforeStart(rotatedAt, read)).toBe(expected);
  });
});
