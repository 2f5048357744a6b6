import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateIntermediateCa } from './__fixtures__/intermediate-ca.js';
import { generateCa, generatePair, generateSignedPair } from './__fixtures__/openssl.js';
import { chainIsTrusted } from './trusted-chain.js';

let scratch: string;
const certs: Record<string, X509Certificate> = {};

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'corral-chain-'));
  const root = generateCa(scratch, 'root');
  const other = generateCa(scratch, 'other');
  const intermediate = generateIntermediateCa(scratch, root, 'intermediate');
  const x509 = (pem: Buffer) => new X509Certificate(pem);
  certs['root'] = x509(root.cert);
  certs['other'] = x509(other.cert);
  certs['intermediate'] = x509(intermediate.cert);
  certs['direct'] = x509(generateSignedPair(scratch, root, 0x701, 'direct', []).cert);
  certs['viaIntermediate'] = x509(generateSignedPair(scratch, intermediate, 0x702, 'via', []).cert);
  certs['selfSigned'] = x509(generatePair(scratch, 0x703, 'self').cert);
  // A certificate signed by a leaf (not a CA) that claims to be its issuer.
  const notCa = generateSignedPair(scratch, root, 0x704, 'not-a-ca', []);
  certs['notCa'] = x509(notCa.cert);
  certs['underNotCa'] = x509(generateSignedPair(scratch, notCa, 0x705, 'under', []).cert);
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const named = (names: readonly string[]) => names.map((name) => certs[name] as X509Certificate);
const DAY_MS = 24 * 3600 * 1000;

describe('chainIsTrusted', () => {
  it.each([
    ['direct', [], ['root'], true],
    ['direct', [], ['other'], false],
    ['direct', [], ['other', 'root'], true],
    ['direct', ['root'], ['other'], false], // the root it was verified against before, presented again
    ['viaIntermediate', ['intermediate'], ['root'], true],
    ['viaIntermediate', ['intermediate', 'root'], ['root'], true],
    ['viaIntermediate', [], ['root'], false], // the intermediate is missing
    ['viaIntermediate', [], ['intermediate', 'root'], true], // ... but the bundle holds it
    ['viaIntermediate', ['intermediate', 'root'], ['other'], false],
    ['viaIntermediate', ['intermediate'], ['intermediate'], false], // no partial chains, as in TLS
    ['selfSigned', [], ['selfSigned'], true],
    ['selfSigned', [], ['root'], false],
    ['underNotCa', ['notCa'], ['root'], false], // a presented issuer must be a CA
  ])('given %s with chain %j and bundle %j, returns %s', (leaf, chain, bundle, trusted) => {
    expect(chainIsTrusted(certs[leaf] as X509Certificate, named(chain), named(bundle), Date.now())).toBe(
      trusted,
    );
  });

  it('given a time past the certificates, returns false', () => {
    const now = Date.now() + 3 * DAY_MS;
    expect(chainIsTrusted(certs['direct'] as X509Certificate, [], named(['root']), now)).toBe(false);
  });
});
