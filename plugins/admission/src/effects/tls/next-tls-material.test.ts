import { X509Certificate } from 'node:crypto';
import { inspectTlsMaterial } from './inspect-tls-material.js';
import { createCertificateAuthority, issueServingCertificate } from './issue-certificates.js';
import { nextTlsMaterial, type IssueSettings } from './next-tls-material.js';
import { certificateBlocks } from './tls-material.js';

const DAY = 86_400_000;
const NOW = new Date('2026-06-01T00:00:00Z');
const NAMES = ['corral-admission.corral-system.svc'];
const settings: IssueSettings = {
  dnsNames: NAMES,
  caName: 'test-ca',
  caValidityDays: 30,
  certValidityDays: 9,
};
const subjects = (pem: string | undefined) =>
  certificateBlocks(pem).map((block) => new X509Certificate(block).subject);

const old = await createCertificateAuthority({
  commonName: 'old',
  validityDays: 30,
  now: new Date(NOW.getTime() - DAY),
});
const other = await createCertificateAuthority({ commonName: 'other', validityDays: 30, now: NOW });
const expired = await createCertificateAuthority({
  commonName: 'expired',
  validityDays: 1,
  now: new Date(NOW.getTime() - 2 * DAY),
});
const leaf = await issueServingCertificate({ ca: old, dnsNames: NAMES, validityDays: 5, now: NOW });
const GARBAGE = '-----BEGIN CERTIFICATE-----\nAA*A\n-----END CERTIFICATE-----\n';
/** What two webhooks' caBundles hold: the old CA twice, another CA, an expired CA, a leaf, garbage. */
const caBundles = [old.certPem, expired.certPem, leaf.certPem, GARBAGE, old.certPem, other.certPem].join(
  '\n',
);

describe('nextTlsMaterial with what the caBundles hold', () => {
  it('given a new Secret while the caBundles trust CAs, keeps the valid CA certificates beside the new CA and marks the rotation', async () => {
    const created = await nextTlsMaterial({ kind: 'create', reason: '' }, {}, settings, NOW, caBundles);
    expect(subjects(created.bundle)).toEqual([subjects(created.caCert)[0], 'CN=old', 'CN=other']);
    expect(created.caRotatedAt).toBe(NOW.toISOString());
    const state = inspectTlsMaterial(created);
    expect(state.bundleStrays).toBe(0);
    expect(
      state.serving.ok && state.ca.ok && state.serving.value.issuer === state.ca.value.fingerprint256,
    ).toBe(true);
  });

  it.each([
    ['nothing', undefined],
    ['only an expired CA, a leaf and garbage', [expired.certPem, leaf.certPem, GARBAGE].join('\n')],
  ])(
    'given a new Secret while the caBundles hold %s, bundles the new CA alone, with no rotation mark',
    async (_case, trusted) => {
      const created = await nextTlsMaterial({ kind: 'create', reason: '' }, {}, settings, NOW, trusted);
      expect(certificateBlocks(created.bundle)).toHaveLength(1);
      expect(created.caRotatedAt).toBeUndefined();
    },
  );

  it('given a regenerated Secret, keeps the old CA of the Secret and those of the caBundles', async () => {
    const broken = { caCert: old.certPem, caKey: other.keyPem, bundle: old.certPem };
    const next = await nextTlsMaterial(
      { kind: 'regenerate', reason: '' },
      broken,
      settings,
      NOW,
      other.certPem,
    );
    expect(subjects(next.bundle).slice(1)).toEqual(['CN=old', 'CN=other']);
  });

  it('given a planned rotation, leaves what the caBundles hold out of it', async () => {
    const current = {
      caCert: old.certPem,
      caKey: old.keyPem,
      bundle: old.certPem,
      cert: leaf.certPem,
      key: leaf.keyPem,
    };
    const next = await nextTlsMaterial(
      { kind: 'rotate-ca', reason: '' },
      current,
      settings,
      NOW,
      other.certPem,
    );
    expect(subjects(next.bundle).slice(1)).toEqual(['CN=old']);
  });
});
