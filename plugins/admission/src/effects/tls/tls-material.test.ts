import { X509Certificate } from 'node:crypto';
import { planCertificates, type CertificatePolicy } from '../../decide/certificates.js';
import { inspectTlsMaterial } from './inspect-tls-material.js';
import { createCertificateAuthority } from './issue-certificates.js';
import { nextTlsMaterial, type IssueSettings } from './next-tls-material.js';
import { certificateBlocks, dataOf, materialOf, type TlsMaterial } from './tls-material.js';

const DAY = 86_400_000;
const T0 = new Date('2026-01-01T00:00:00Z');
const NAMES = ['corral-admission.corral-system.svc', 'corral-admission.corral-system.svc.cluster.local'];
const settings: IssueSettings = {
  dnsNames: NAMES,
  caName: 'test-ca',
  caValidityDays: 30,
  certValidityDays: 9,
};
const policy: CertificatePolicy = { dnsNames: NAMES, renewAtFraction: 2 / 3, caOverlapMs: 600_000 };
const later = (days: number) => new Date(T0.getTime() + days * DAY);

/** A CERTIFICATE block whose base64 does not decode. */
const GARBAGE_BLOCK = '-----BEGIN CERTIFICATE-----\nAA*A\n-----END CERTIFICATE-----\n';

const created = await nextTlsMaterial({ kind: 'create', reason: '' }, {}, settings, T0);

describe('TLS material: issue, inspect, plan', () => {
  it('given a new Secret, is planned as keep: CA, serving pair for the names, bundle of the CA', () => {
    const state = inspectTlsMaterial(created);
    expect(state.ca.ok && state.serving.ok).toBe(true);
    if (!state.ca.ok || !state.serving.ok) return;
    expect(state.serving.value.dnsNames).toEqual(NAMES);
    expect(state.serving.value.issuer).toBe(state.ca.value.fingerprint256);
    expect(state.bundle.map((c) => c.fingerprint256)).toEqual([state.ca.value.fingerprint256]);
    expect(planCertificates(state, policy, later(1).getTime())).toMatchObject({ kind: 'keep' });
    expect(new X509Certificate(created.cert ?? '').subject).toMatch(/corral-admission.corral-system.svc/);
  });

  it('survives the round trip through Secret data (base64), keeping foreign keys', () => {
    const data = dataOf(created, { 'other.txt': 'eA==', 'tls.crt': 'stale' });
    expect(data['other.txt']).toBe('eA==');
    const back = materialOf({ data, metadata: { annotations: { 'corral.dev/ca-rotated-at': 'x' } } });
    expect(back).toEqual({ ...created, caRotatedAt: 'x' });
  });

  it('rotates the CA: new CA first in the bundle with the old one, serving pair kept, then renewed from the new CA', async () => {
    // Day 19: a serving certificate valid until day 28; day 21: the CA (30 days) is due.
    const fresh = await nextTlsMaterial({ kind: 'renew-serving', reason: '' }, created, settings, later(19));
    expect(planCertificates(inspectTlsMaterial(fresh), policy, later(21).getTime()).kind).toBe('rotate-ca');
    const rotated = await nextTlsMaterial({ kind: 'rotate-ca', reason: '' }, fresh, settings, later(21));
    expect(certificateBlocks(rotated.bundle)).toHaveLength(2);
    expect(certificateBlocks(rotated.bundle)[1]?.trim()).toBe(created.caCert?.trim());
    expect(rotated.cert).toBe(fresh.cert);
    expect(rotated.caRotatedAt).toBe(later(21).toISOString());
    const state = inspectTlsMaterial(rotated);
    const oldCa = inspectTlsMaterial(created).ca;
    expect(state.serving.ok && oldCa.ok && state.serving.value.issuer === oldCa.value.fingerprint256).toBe(
      true,
    );
    // Within the overlap the old serving certificate stays; after it, it is renewed from the new CA.
    expect(planCertificates(state, policy, later(21).getTime() + 60_000).kind).toBe('keep');
    expect(planCertificates(state, policy, later(21).getTime() + 600_000).kind).toBe('renew-serving');
    const renewed = await nextTlsMaterial(
      { kind: 'renew-serving', reason: '' },
      rotated,
      settings,
      later(22),
    );
    const after = inspectTlsMaterial(renewed);
    expect(
      after.ca.ok && after.serving.ok && after.serving.value.issuer === after.ca.value.fingerprint256,
    ).toBe(true);
  });

  it('never issues a serving certificate that outlives its CA', async () => {
    const ca = await createCertificateAuthority({ commonName: 'short', validityDays: 3, now: T0 });
    const material: TlsMaterial = { ...created, caCert: ca.certPem, caKey: ca.keyPem, bundle: ca.certPem };
    const renewed = await nextTlsMaterial({ kind: 'renew-serving', reason: '' }, material, settings, T0);
    expect(Date.parse(new X509Certificate(renewed.cert ?? '').validTo)).toBeLessThanOrEqual(
      ca.notAfter.getTime(),
    );
  });

  it.each<[string, TlsMaterial, 'ca' | 'serving', RegExp]>([
    ['no ca.crt', { ...created, caCert: undefined }, 'ca', /ca.crt is missing/],
    [
      'garbage in ca.crt',
      { ...created, caCert: 'not a certificate' },
      'ca',
      /ca.crt is not a PEM certificate/,
    ],
    ['a ca.key of another CA', { ...created, caKey: created.key }, 'ca', /ca.key does not belong to ca.crt/],
    [
      'a leaf as ca.crt',
      { ...created, caCert: created.cert, caKey: created.key },
      'ca',
      /not a CA certificate/,
    ],
    ['no tls.key', { ...created, key: undefined }, 'serving', /tls.key is missing/],
    [
      'garbage in tls.key',
      { ...created, key: '-----BEGIN PRIVATE KEY-----\nAAAA\n' },
      'serving',
      /not a PEM private key/,
    ],
    ['a tls.key of another pair', { ...created, key: created.caKey }, 'serving', /tls.key does not belong/],
    [
      'an unreadable block after the certificate in tls.crt',
      { ...created, cert: `${created.cert}${GARBAGE_BLOCK}` },
      'serving',
      /TLS refuses tls.crt/,
    ],
  ])('given %s, reports a problem naming the key', (_case, material, part, problem) => {
    const checked = inspectTlsMaterial(material)[part];
    expect(checked.ok).toBe(false);
    expect(checked.ok ? '' : checked.problem).toMatch(problem);
    expect(checked.ok ? '' : checked.problem).not.toMatch(/BEGIN/);
  });

  it('given a broken CA, regenerates, keeping the old CA trusted while it is valid', async () => {
    const broken = { ...created, caKey: 'garbage' };
    const plan = planCertificates(inspectTlsMaterial(broken), policy, later(1).getTime());
    expect(plan).toMatchObject({ kind: 'regenerate', reason: expect.stringMatching(/ca.key/) });
    const regenerated = await nextTlsMaterial({ kind: 'regenerate', reason: '' }, broken, settings, later(1));
    const state = inspectTlsMaterial(regenerated);
    expect(state.bundle).toHaveLength(2);
    expect(planCertificates(state, policy, later(1).getTime()).kind).toBe('keep');
  });

  it('given a bundle holding a leaf and garbage, counts them and rewrites the bundle without them', async () => {
    const strayed = {
      ...created,
      bundle: `${created.bundle}${created.cert}\n${GARBAGE_BLOCK}`,
    };
    const state = inspectTlsMaterial(strayed);
    expect(state.bundleStrays).toBe(2);
    const plan = planCertificates(state, policy, later(1).getTime());
    expect(plan).toMatchObject({ kind: 'update-bundle', reason: expect.stringMatching(/2 entries/) });
    if (plan.kind !== 'update-bundle') return;
    const fixed = await nextTlsMaterial(plan, strayed, settings, later(1));
    expect(certificateBlocks(fixed.bundle)).toEqual(certificateBlocks(created.caCert));
    expect(inspectTlsMaterial(fixed).bundleStrays).toBe(0);
  });

  it('given a bundle that lost the current CA, rewrites it from what is readable', async () => {
    const lost = { ...created, bundle: 'garbage' };
    const plan = planCertificates(inspectTlsMaterial(lost), policy, later(1).getTime());
    expect(plan.kind).toBe('update-bundle');
    if (plan.kind !== 'update-bundle') return;
    const fixed = await nextTlsMaterial(plan, lost, settings, later(1));
    expect(certificateBlocks(fixed.bundle)).toEqual(certificateBlocks(created.caCert));
  });
});
