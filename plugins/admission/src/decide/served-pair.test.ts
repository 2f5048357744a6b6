import type { CertificateInfo, CertificatePolicy, ServingInfo, TlsSecretState } from './certificates.js';
import { chooseServedPair } from './served-pair.js';

const DAY = 86_400_000;
const MINUTE = 60_000;
const NOW = Date.parse('2026-06-01T00:00:00Z');
const NAMES = ['corral-admission.corral-system.svc'];
const policy: CertificatePolicy = { dnsNames: NAMES, renewAtFraction: 2 / 3, caOverlapMs: 10 * MINUTE };

const cert = (fingerprint256: string, days = 300): CertificateInfo => ({
  serialNumber: `serial-${fingerprint256}`,
  fingerprint256,
  notBefore: NOW - DAY,
  notAfter: NOW + days * DAY,
});
const leaf = (
  name: string,
  issuer: string | undefined,
  overrides: Partial<ServingInfo> = {},
): ServingInfo => ({
  ...cert(name),
  dnsNames: NAMES,
  issuer,
  ...overrides,
});
/** A Secret created again a minute ago: new CA NEW, the old CA OLD kept in the bundle. */
const recreated = (overrides: Partial<TlsSecretState> = {}): TlsSecretState => ({
  ca: { ok: true, value: cert('NEW') },
  serving: { ok: true, value: leaf('SECRET-LEAF', 'NEW') },
  bundle: [cert('NEW'), cert('OLD')],
  caRotatedAt: NOW - MINUTE,
  caTrustedSince: NOW - MINUTE,
  ...overrides,
});
const held = (value: ServingInfo) => ({ ok: true as const, value });

describe('chooseServedPair', () => {
  it('given a pair from the old CA while the new CA is a minute into the overlap, keeps it until the overlap ends', () => {
    expect(chooseServedPair(recreated(), held(leaf('OLD-LEAF', 'OLD')), policy, NOW)).toEqual({
      kind: 'held',
      until: NOW + 9 * MINUTE,
      reason: expect.stringContaining('have not trusted for the overlap') as unknown,
    });
  });

  it('counts the overlap from this replica’s first trusting caBundle patch, on its own clock', () => {
    const choice = chooseServedPair(
      recreated({ caTrustedSince: NOW }),
      held(leaf('OLD-LEAF', 'OLD')),
      policy,
      NOW,
    );
    expect(choice).toMatchObject({ kind: 'held', until: NOW + 10 * MINUTE });
  });

  it('keeps it no longer than it is valid', () => {
    const soon = leaf('OLD-LEAF', 'OLD', { notAfter: NOW + 2 * MINUTE });
    expect(chooseServedPair(recreated(), held(soon), policy, NOW)).toMatchObject({
      kind: 'held',
      until: NOW + 2 * MINUTE,
    });
  });

  it.each<[string, TlsSecretState, ServingInfo | undefined, number]>([
    ['the overlap is over', recreated(), leaf('OLD-LEAF', 'OLD'), NOW + 10 * MINUTE],
    ['the files hold no pair', recreated(), undefined, NOW],
    [
      'the pair is the throwaway one (no CA of the bundle signed it)',
      recreated(),
      leaf('TMP', undefined),
      NOW,
    ],
    ['the pair comes from the current CA already', recreated(), leaf('OTHER', 'NEW'), NOW],
    ['the pair is the Secret’s', recreated(), leaf('SECRET-LEAF', 'NEW'), NOW],
    ['the pair expired', recreated(), leaf('OLD-LEAF', 'OLD', { notAfter: NOW - 1 }), NOW],
    ['the pair lacks a name', recreated(), leaf('OLD-LEAF', 'OLD', { dnsNames: ['x'] }), NOW],
    [
      'the Secret’s pair still comes from the previous CA (a planned rotation)',
      recreated({ serving: { ok: true, value: leaf('SECRET-LEAF', 'OLD') } }),
      leaf('OLD-LEAF', 'OLD'),
      NOW,
    ],
    [
      'no time this replica first trusted the CA is known',
      recreated({ caRotatedAt: undefined, caTrustedSince: undefined }),
      leaf('OLD-LEAF', 'OLD'),
      NOW,
    ],
    [
      'a planned rotation whose ca-rotated-at a clock ahead wrote, trusted here for the overlap',
      recreated({ caRotatedAt: NOW + 5 * MINUTE, caTrustedSince: NOW - 11 * MINUTE }),
      leaf('OLD-LEAF', 'OLD'),
      NOW,
    ],
  ])('given %s, serves the Secret’s pair', (_case, state, pair, now) => {
    expect(chooseServedPair(state, pair && held(pair), policy, now)).toEqual({ kind: 'secret' });
  });

  it('given a pair that cannot be parsed, serves the Secret’s pair', () => {
    expect(chooseServedPair(recreated(), { ok: false, problem: 'tls.crt is missing' }, policy, NOW)).toEqual({
      kind: 'secret',
    });
  });
});
