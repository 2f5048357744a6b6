/**
 * planCertificates with the revoke switch: which CA is retired, replaced, trusted, served and dropped,
 * given the Secret (bundle, annotations), this replica's caBundle trust and the clock.
 */
import {
  planCertificates,
  type CertificateInfo,
  type CertificatePolicy,
  type ServingInfo,
  type TlsSecretState,
} from './certificates.js';
import { chooseServedPair } from './served-pair.js';

const DAY = 86_400_000;
const MINUTE = 60_000;
const T = Date.parse('2026-06-01T00:00:00Z');
const NAMES = ['corral-admission.corral-system.svc'];
const policy: CertificatePolicy = { dnsNames: NAMES, renewAtFraction: 2 / 3, caOverlapMs: 10 * MINUTE };

const cert = (fingerprint256: string): CertificateInfo => ({
  serialNumber: `serial-${fingerprint256}`,
  fingerprint256,
  notBefore: T - 30 * DAY,
  notAfter: T + 3000 * DAY,
});
const leaf = (issuer: string): ServingInfo => ({
  ...cert(`LEAF-${issuer}`),
  notAfter: T + 300 * DAY,
  dnsNames: NAMES,
  issuer,
});
/** A Secret at rest: CA OLD, its serving pair, a bundle of OLD alone, trusted since long ago. */
const atRest = (overrides: Partial<TlsSecretState> = {}): TlsSecretState => ({
  ca: { ok: true, value: cert('OLD') },
  serving: { ok: true, value: leaf('OLD') },
  bundle: [cert('OLD')],
  caRotatedAt: undefined,
  caTrustedSince: T - DAY,
  caFingerprint: 'OLD',
  ...overrides,
});
/** Just after OLD was retired and replaced at T: CA NEW serves, OLD stays in the bundle. */
const replaced = (overrides: Partial<TlsSecretState> = {}): TlsSecretState => ({
  ca: { ok: true, value: cert('NEW') },
  serving: { ok: true, value: leaf('NEW') },
  bundle: [cert('NEW'), cert('OLD')],
  caRotatedAt: T,
  caTrustedSince: T,
  caFingerprint: 'NEW',
  retired: [{ fingerprint256: 'OLD', retiredAt: T }],
  ...overrides,
});
const asking = (value: string) => ({ retireRequest: { ok: true as const, value } });

describe('planCertificates with a request to retire a CA', () => {
  it.each<[string, TlsSecretState, object]>([
    [
      '`current`',
      atRest(asking('current')),
      { kind: 'retire-ca', fingerprint: 'OLD', reason: expect.stringMatching(/the current one/) },
    ],
    [
      'an older CA of the bundle by fingerprint',
      atRest({ ...asking('PREV'), bundle: [cert('OLD'), cert('PREV')] }),
      { kind: 'retire-ca', fingerprint: 'PREV', reason: expect.stringMatching(/an older one/) },
    ],
    [
      'a CA retired already (the request is only cleared)',
      replaced(asking('OLD')),
      { kind: 'retire-ca', fingerprint: 'OLD', reason: expect.stringMatching(/retired already/) },
    ],
    [
      '`current` while the CA is unusable: the certificate in ca.crt, before the CA is regenerated',
      atRest({ ...asking('current'), ca: { ok: false, problem: 'ca.key is missing' } }),
      { kind: 'retire-ca', fingerprint: 'OLD' },
    ],
    [
      '`current` while ca.crt holds no certificate',
      atRest({
        ...asking('current'),
        ca: { ok: false, problem: 'ca.crt is missing' },
        caFingerprint: undefined,
      }),
      { kind: 'retire-ca', fingerprint: undefined, reason: expect.stringMatching(/nothing to retire/) },
    ],
    [
      '`current` while the CA is due for rotation (the CA the admin saw, not the next one)',
      atRest({ ...asking('current'), ca: { ok: true, value: { ...cert('OLD'), notAfter: T + DAY } } }),
      { kind: 'retire-ca', fingerprint: 'OLD' },
    ],
  ])('given %s, takes it up first', (_case, state, expected) => {
    expect(planCertificates(state, policy, T)).toEqual(expect.objectContaining(expected));
  });

  it('given an unreadable request, ignores it (the caller warns) and plans as without it', () => {
    const state = atRest({ retireRequest: { ok: false, problem: 'corral.dev/retire-ca is "curent"' } });
    expect(planCertificates(state, policy, T)).toMatchObject({ kind: 'keep' });
  });
});

describe('planCertificates with retired CAs', () => {
  it('given the current CA retired, replaces it (a new CA and serving pair; the replicas hold theirs)', () => {
    const state = atRest({ retired: [{ fingerprint256: 'OLD', retiredAt: T }] });
    expect(planCertificates(state, policy, T)).toEqual({
      kind: 'replace-ca',
      reason: 'the current CA OLD is retired',
    });
  });

  it('given the retired CA just replaced, keeps it in the bundle and looks again when it is to leave', () => {
    expect(planCertificates(replaced(), policy, T + MINUTE)).toEqual({
      kind: 'keep',
      recheckAt: T + 20 * MINUTE,
    });
    expect(planCertificates(replaced(), policy, T + 19 * MINUTE)).toMatchObject({ kind: 'keep' });
  });

  it('given twice the overlap since the retirement, drops it from the bundle and names it', () => {
    expect(planCertificates(replaced(), policy, T + 20 * MINUTE)).toEqual({
      kind: 'update-bundle',
      keep: ['NEW'],
      retired: ['OLD'],
      reason: 'the retired CA OLD has had its overlap: every replica serves from another CA',
    });
  });

  it('counts twice the overlap from this replica’s first trusting caBundle patch when that came later', () => {
    const late = replaced({ caTrustedSince: T + 5 * MINUTE });
    expect(planCertificates(late, policy, T + 20 * MINUTE)).toEqual({
      kind: 'keep',
      recheckAt: T + 25 * MINUTE,
    });
    expect(planCertificates(late, policy, T + 25 * MINUTE)).toMatchObject({
      kind: 'update-bundle',
      keep: ['NEW'],
    });
  });

  it('keeps other old CAs (not retired) in the bundle when it drops the retired one', () => {
    const state = replaced({ bundle: [cert('NEW'), cert('OLD'), cert('PREV')] });
    expect(planCertificates(state, policy, T + 21 * MINUTE)).toMatchObject({
      kind: 'update-bundle',
      keep: ['NEW', 'PREV'],
      retired: ['OLD'],
    });
  });

  it('given a retired CA put back into the bundle long after it left (a hand edit), drops it at once', () => {
    const state = replaced({
      retired: [{ fingerprint256: 'OLD', retiredAt: T - DAY }],
      caRotatedAt: T - DAY,
      caTrustedSince: T - DAY,
    });
    expect(planCertificates(state, policy, T)).toMatchObject({
      kind: 'update-bundle',
      keep: ['NEW'],
      retired: ['OLD'],
    });
  });

  it('given a retired CA that is not in the bundle, plans as without it (nothing to drop)', () => {
    const state = atRest({ retired: [{ fingerprint256: 'GONE', retiredAt: T - DAY }] });
    expect(planCertificates(state, policy, T)).toMatchObject({ kind: 'keep' });
  });

  it('given the serving certificate signed by a retired older CA, reissues it from the current CA at once', () => {
    // A planned rotation's overlap (serving still from PREV) when the admin retires PREV.
    const state = atRest({
      serving: { ok: true, value: leaf('PREV') },
      bundle: [cert('OLD'), cert('PREV')],
      caRotatedAt: T - MINUTE,
      caTrustedSince: T - MINUTE,
      retired: [{ fingerprint256: 'PREV', retiredAt: T }],
    });
    expect(planCertificates(state, policy, T)).toEqual({
      kind: 'renew-serving',
      reason: 'the serving certificate is signed by the retired CA PREV',
    });
  });
});

describe('chooseServedPair after a retired CA was replaced', () => {
  const held = (issuer: string | undefined) => ({ ok: true as const, value: { ...leaf('OLD'), issuer } });

  it('keeps serving the pair from the retired CA until the new CA has been trusted for the overlap', () => {
    expect(chooseServedPair(replaced(), held('OLD'), policy, T + MINUTE)).toMatchObject({
      kind: 'held',
      until: T + 10 * MINUTE,
    });
    expect(chooseServedPair(replaced(), held('OLD'), policy, T + 10 * MINUTE)).toEqual({ kind: 'secret' });
  });

  it('serves the Secret’s pair once the retired CA has left the bundle (the held pair is no longer trusted)', () => {
    const dropped = replaced({ bundle: [cert('NEW')] });
    expect(chooseServedPair(dropped, held(undefined), policy, T + MINUTE)).toEqual({ kind: 'secret' });
  });
});
