import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { createSecureContext } from 'node:tls';
import { signedBy } from '@corral/runtime';
import { parseRetiredCas, parseRetireRequest } from '../../decide/ca-retirement.js';
import type { CertificateInfo, Checked, ServingInfo, TlsSecretState } from '../../decide/certificates.js';
import type { ObservedCaBundle } from '../../decide/webhook-ca-bundle.js';
import { certificateBlocks, TLS_KEYS, type TlsMaterial } from './tls-material.js';

/**
 * Parses the certificate Secret into the facts `planCertificates` decides on. Never throws: whatever
 * cannot be used becomes a `problem` naming the Secret key, so a broken Secret is regenerated with a
 * message an operator can act on. Problems never quote key material.
 */

type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };

function parseCertificate(pem: string | undefined, key: string): Parsed<X509Certificate> {
  if (pem === undefined || pem.trim() === '') return { ok: false, problem: `${key} is missing` };
  const first = certificateBlocks(pem)[0];
  try {
    if (first === undefined) throw new Error('no CERTIFICATE block');
    return { ok: true, value: new X509Certificate(first) };
  } catch {
    return { ok: false, problem: `${key} is not a PEM certificate` };
  }
}

function parseKey(pem: string | undefined, key: string): Parsed<KeyObject> {
  if (pem === undefined || pem.trim() === '') return { ok: false, problem: `${key} is missing` };
  try {
    return { ok: true, value: createPrivateKey(pem) };
  } catch {
    return { ok: false, problem: `${key} is not a PEM private key` };
  }
}

/** A certificate and the key that must belong to it, or the first problem found. */
function parsePair(
  certPem: string | undefined,
  keyPem: string | undefined,
  names: { cert: string; key: string },
): Parsed<X509Certificate> {
  const cert = parseCertificate(certPem, names.cert);
  if (!cert.ok) return cert;
  const key = parseKey(keyPem, names.key);
  if (!key.ok) return key;
  if (!cert.value.checkPrivateKey(key.value)) {
    return { ok: false, problem: `${names.key} does not belong to ${names.cert}` };
  }
  return cert;
}

/** Facts about one parsed certificate. */
export function infoOf(cert: X509Certificate): CertificateInfo {
  return {
    serialNumber: cert.serialNumber,
    fingerprint256: cert.fingerprint256,
    notBefore: Date.parse(cert.validFrom),
    notAfter: Date.parse(cert.validTo),
  };
}

const dnsNamesOf = (cert: X509Certificate): string[] =>
  (cert.subjectAltName ?? '')
    .split(', ')
    .filter((entry) => entry.startsWith('DNS:'))
    .map((entry) => entry.slice('DNS:'.length));

/** The bundle's CA certificates, and how many of its entries are something else or unreadable. */
function parseBundle(pem: string | undefined): { cas: X509Certificate[]; strays: number } {
  const cas: X509Certificate[] = [];
  let strays = 0;
  for (const block of certificateBlocks(pem)) {
    try {
      const cert = new X509Certificate(block);
      if (cert.ca) cas.push(cert);
      else strays += 1;
    } catch {
      strays += 1;
    }
  }
  return { cas, strays };
}

/** Whether TLS takes the pair as the server will (an unreadable extra block makes it refuse all). */
function tlsAccepts(cert: string, key: string): boolean {
  try {
    createSecureContext({ cert, key });
    return true;
  } catch {
    return false;
  }
}

function checkCa(material: TlsMaterial): Checked<CertificateInfo> {
  const pair = parsePair(material.caCert, material.caKey, { cert: TLS_KEYS.caCert, key: TLS_KEYS.caKey });
  if (!pair.ok) return pair;
  if (!pair.value.ca) return { ok: false, problem: `${TLS_KEYS.caCert} is not a CA certificate` };
  return { ok: true, value: infoOf(pair.value) };
}

function checkServing(material: TlsMaterial, bundle: readonly X509Certificate[]): Checked<ServingInfo> {
  const pair = parsePair(material.cert, material.key, { cert: TLS_KEYS.cert, key: TLS_KEYS.key });
  if (!pair.ok) return pair;
  const leaf = pair.value;
  if (leaf.ca) return { ok: false, problem: `${TLS_KEYS.cert} is a CA certificate, not a serving one` };
  if (!tlsAccepts(material.cert ?? '', material.key ?? '')) {
    return { ok: false, problem: `TLS refuses ${TLS_KEYS.cert} with ${TLS_KEYS.key} (an unreadable block?)` };
  }
  const issuer = bundle.find((ca) => signedBy(leaf, ca));
  return {
    ok: true,
    value: { ...infoOf(leaf), dnsNames: dnsNamesOf(leaf), issuer: issuer?.fingerprint256 },
  };
}

/** The retirement annotations, parsed; nothing when the Secret carries neither. */
function retirementOf(material: TlsMaterial): Partial<TlsSecretState> {
  const { retired, problem } = parseRetiredCas(material.retiredCas);
  return {
    ...(material.retireRequest === undefined
      ? {}
      : { retireRequest: parseRetireRequest(material.retireRequest) }),
    ...(retired.length > 0 ? { retired } : {}),
    ...(problem === undefined ? {} : { retiredProblem: problem }),
  };
}

/** Given the Secret's material, returns what `planCertificates` needs to know about it. */
export function inspectTlsMaterial(material: TlsMaterial): TlsSecretState {
  const bundle = parseBundle(material.bundle);
  const rotatedAt = material.caRotatedAt === undefined ? NaN : Date.parse(material.caRotatedAt);
  const caCert = parseCertificate(material.caCert, TLS_KEYS.caCert);
  return {
    ca: checkCa(material),
    serving: checkServing(material, bundle.cas),
    bundle: bundle.cas.map(infoOf),
    bundleStrays: bundle.strays,
    caRotatedAt: Number.isNaN(rotatedAt) ? undefined : rotatedAt,
    ...(caCert.ok ? { caFingerprint: caCert.value.fingerprint256 } : {}),
    ...retirementOf(material),
  };
}

/**
 * Given a serving pair (e.g. the one in the serving files) and a bundle (PEM), returns what
 * `chooseServedPair` needs to know about it, its issuer looked up in that bundle.
 */
export function inspectServingPair(
  pair: { readonly cert?: string; readonly key?: string },
  bundle: string | undefined,
): Checked<ServingInfo> {
  return checkServing(pair, parseBundle(bundle).cas);
}

/** Given a certificate (PEM) and webhooks' caBundles, returns those with no CA that signed it. */
export function untrustingCaBundles(
  certPem: string,
  observed: readonly ObservedCaBundle[],
): ObservedCaBundle[] {
  const leaf = parseCertificate(certPem, 'the served certificate');
  if (!leaf.ok) return [...observed];
  return observed.filter(({ caBundle }) => !parseBundle(caBundle).cas.some((ca) => signedBy(leaf.value, ca)));
}

/**
 * Given webhooks' caBundles as read, returns the fingerprints of the CA certificates every one of them
 * holds; none when there is no caBundle at all.
 */
export function casInEveryBundle(observed: readonly ObservedCaBundle[]): Set<string> {
  const [first, ...rest] = observed.map(({ caBundle }) =>
    parseBundle(caBundle).cas.map((ca) => ca.fingerprint256),
  );
  return new Set((first ?? []).filter((fp) => rest.every((cas) => cas.includes(fp))));
}
