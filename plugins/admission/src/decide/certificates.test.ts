import {
  planCertificates,
  renewalTime,
  type CertificateInfo,
  type CertificatePolicy,
  type ServingInfo,
  type TlsSecretState,
} from './certificates.js';

const DAY = 86_400_000;
const T0 = Date.parse('2026-01-01T00:00:00Z');
const NAMES = ['corral-admission.corral-system.svc'];
const policy: CertificatePolicy = { dnsNames: NAMES, renewAtFraction: 2 / 3, caOverlapMs: 600_000 };

const cert = (fingerprint256: string, fromDay: number, days: number): CertificateInfo => ({
  serialNumber: `serial-${fingerprint256}`,
  fingerprint256,
  notBefore: T0 + fromDay * DAY,
  notAfter: T0 + (fromDay + days) * DAY,
});
const ca = cert('CA1', 0, 3000);
const serving = (overrides: Partial<ServingInfo> = {}): ServingInfo => ({
  ...cert('LEAF', 0, 300),
  dnsNames: NAMES,
  issuer: 'CA1',
  ...overrides,
});
const state = (overrides: Partial<TlsSecretState> = {}): TlsSecretState => ({
  ca: { ok: true, value: ca },
  serving: { ok: true, value: serving() },
  bundle: [ca],
  caRotatedAt: undefined,
  ...overrides,
});
const at = (day: number) => T0 + day * DAY;

describe('planCertificates', () => {
  it.each<[string, TlsSecretState | undefined, number, string, RegExp]>([
    ['no Secret', undefined, at(1), 'create', /does not exist/],
    [
      'a CA whose key does not match',
      state({ ca: { ok: false, problem: 'ca.key does not belong to ca.crt' } }),
      at(1),
      'regenerate',
      /no usable CA: ca.key does not belong/,
    ],
    ['an expired CA', state(), at(3001), 'regenerate', /CA expired/],
    ['a CA past 2/3 of its lifetime', state(), at(2001), 'rotate-ca', /due for rotation/],
    [
      'a bundle without the current CA',
      state({ bundle: [cert('OTHER', 0, 3000)] }),
      at(1),
      'update-bundle',
      /does not contain the current CA/,
    ],
    [
      'a bundle holding an expired old CA',
      state({ bundle: [ca, cert('OLD', -3000, 3000)] }),
      at(1),
      'update-bundle',
      /expired CA/,
    ],
    [
      'a broken serving pair',
      state({ serving: { ok: false, problem: 'tls.key does not belong to tls.crt' } }),
      at(1),
      'renew-serving',
      /tls.key does not belong/,
    ],
    ['an expired serving certificate', state(), at(301), 'renew-serving', /expired/],
    [
      'a serving certificate for other names',
      state({ serving: { ok: true, value: serving({ dnsNames: ['old.corral-system.svc'] }) } }),
      at(1),
      'renew-serving',
      /lacks the name\(s\) corral-admission.corral-system.svc/,
    ],
    [
      'a serving certificate no bundle CA signed',
      state({ serving: { ok: true, value: serving({ issuer: undefined }) } }),
      at(1),
      'renew-serving',
      /not signed by a CA of the bundle/,
    ],
    ['a serving certificate past 2/3', state(), at(201), 'renew-serving', /due for renewal/],
    [
      'a serving certificate not valid yet (issued by a clock ahead)',
      state({ serving: { ok: true, value: serving(cert('LEAF', 2, 300)) } }),
      at(1),
      'renew-serving',
      /not valid before 2026-01-03/,
    ],
    [
      'a bundle holding entries that are not CA certificates',
      state({ bundleStrays: 2 }),
      at(1),
      'update-bundle',
      /holds 2 entries that are not CA certificates/,
    ],
  ])('given %s, returns %s', (_case, given, now, kind, reason) => {
    const plan = planCertificates(given, policy, now);
    expect(plan.kind).toBe(kind);
    expect('reason' in plan ? plan.reason : '').toMatch(reason);
  });

  it('given a fresh Secret, keeps it until the serving certificate is due', () => {
    expect(planCertificates(state(), policy, at(1))).toEqual({
      kind: 'keep',
      recheckAt: renewalTime(serving()),
    });
    expect(renewalTime(serving())).toBe(at(200));
  });

  it('given an expired old CA, keeps the current CA first and drops the old one', () => {
    const plan = planCertificates(state({ bundle: [cert('OLD', -3000, 3000), ca] }), policy, at(1));
    expect(plan).toMatchObject({ kind: 'update-bundle', keep: ['CA1'] });
  });

  describe('after a CA rotation (new CA in the bundle, serving still from the old one)', () => {
    const newCa = cert('CA2', 2001, 3000);
    const rotated = state({
      ca: { ok: true, value: newCa },
      bundle: [newCa, ca],
      serving: { ok: true, value: serving({ ...cert('LEAF', 1900, 300), issuer: 'CA1' }) },
      caRotatedAt: at(2001),
    });

    it('keeps the serving certificate during the overlap and says when to look again', () => {
      expect(planCertificates(rotated, policy, at(2001) + 60_000)).toEqual({
        kind: 'keep',
        recheckAt: at(2001) + 600_000,
      });
    });

    it('renews the serving certificate from the new CA once the overlap is over', () => {
      expect(planCertificates(rotated, policy, at(2001) + 600_000)).toMatchObject({
        kind: 'renew-serving',
        reason: expect.stringMatching(/previous CA/),
      });
    });

    it('counts the overlap from when this replica saw every caBundle trust the new CA, if later', () => {
      // This replica's clock runs 15 minutes ahead of the one that rotated, and it set the caBundle
      // holding the new CA 2 minutes ago by its own clock.
      const now = at(2001) + 15 * 60_000;
      const trusted = { ...rotated, caTrustedSince: now - 2 * 60_000 };
      expect(planCertificates(trusted, policy, now)).toEqual({ kind: 'keep', recheckAt: now + 8 * 60_000 });
      expect(planCertificates(trusted, policy, now + 8 * 60_000).kind).toBe('renew-serving');
    });

    it('then keeps both CAs in the bundle until the old one expires', () => {
      const switched = {
        ...rotated,
        serving: { ok: true as const, value: serving({ ...cert('LEAF2', 2001, 300), issuer: 'CA2' }) },
      };
      expect(planCertificates(switched, policy, at(2002))).toEqual({ kind: 'keep', recheckAt: at(2201) });
      expect(planCertificates(switched, policy, at(3001))).toMatchObject({
        kind: 'update-bundle',
        keep: ['CA2'],
      });
    });
  });
});
