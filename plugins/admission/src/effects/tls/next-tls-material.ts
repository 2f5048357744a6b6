import { X509Certificate } from 'node:crypto';
import { formatRetiredCas, isRetired, parseRetiredCas } from '../../decide/ca-retirement.js';
import type { CertificatePlan } from '../../decide/certificates.js';
import {
  createCertificateAuthority,
  issueServingCertificate,
  type IssuedPair,
} from './issue-certificates.js';
import { certificateBlocks, type TlsMaterial } from './tls-material.js';

const DAY_MS = 86_400_000;

export interface IssueSettings {
  /** The serving certificate's names (`<service>.<namespace>.svc` first). */
  readonly dnsNames: readonly string[];
  /** Prefix of the CA's common name; the issue time is appended so that CAs are told apart. */
  readonly caName: string;
  readonly caValidityDays: number;
  readonly certValidityDays: number;
}

type Step = Exclude<CertificatePlan, { kind: 'keep' }>;

const fingerprint = (pem: string) => new X509Certificate(pem).fingerprint256;

/** The CA certificates among `pems` that are still valid at `now`, each once, `except` left out. */
function validCas(pems: readonly (string | undefined)[], now: Date, except: readonly string[]): string[] {
  const seen = new Set(except);
  return pems.flatMap(certificateBlocks).filter((pem) => {
    try {
      const cert = new X509Certificate(pem);
      if (!cert.ca || seen.has(cert.fingerprint256)) return false;
      if (Date.parse(cert.validTo) <= now.getTime()) return false;
      seen.add(cert.fingerprint256);
      return true;
    } catch {
      return false;
    }
  });
}

const joinPem = (blocks: readonly string[]) => `${blocks.map((b) => b.trim()).join('\n')}\n`;

async function newCa(settings: IssueSettings, now: Date): Promise<IssuedPair> {
  return createCertificateAuthority({
    commonName: `${settings.caName}@${Math.floor(now.getTime() / 1000)}`,
    validityDays: settings.caValidityDays,
    now,
  });
}

/** A serving certificate from `ca`, never outliving it. */
async function newServing(ca: IssuedPair, settings: IssueSettings, now: Date): Promise<IssuedPair> {
  const caLeft = (ca.notAfter.getTime() - now.getTime()) / DAY_MS;
  return issueServingCertificate({
    ca,
    dnsNames: settings.dnsNames,
    validityDays: Math.min(settings.certValidityDays, caLeft),
    now,
  });
}

function currentCa(material: TlsMaterial): IssuedPair {
  if (material.caCert === undefined || material.caKey === undefined) {
    throw new Error('renewing the serving certificate needs the CA of the Secret');
  }
  const cert = new X509Certificate(material.caCert);
  return {
    certPem: material.caCert,
    keyPem: material.caKey,
    notBefore: new Date(cert.validFrom),
    notAfter: new Date(cert.validTo),
  };
}

/**
 * A new CA (and, unless rotating, a serving certificate from it); still-valid old CAs stay trusted:
 * those of the Secret and, for a new, regenerated or replaced Secret, those the caBundles still hold
 * (`trusted`, PEM), so that the certificates replicas serve now stay trusted. A retired CA is kept
 * only while the Secret's bundle still holds it (its overlap): never taken back from the caBundles.
 * The new CA counts as rotated in (`ca-rotated-at`) whenever it joins other CAs: serving switches
 * only after the overlap.
 */
async function freshCa(
  step: 'create' | 'regenerate' | 'replace-ca' | 'rotate-ca',
  current: TlsMaterial,
  s: IssueSettings,
  now: Date,
  trusted: string | undefined,
): Promise<TlsMaterial> {
  const ca = await newCa(s, now);
  const retired = parseRetiredCas(current.retiredCas).retired;
  const inBundle = new Set(validCas([current.bundle], now, []).map(fingerprint));
  const own = step === 'create' ? [] : validCas([current.caCert, current.bundle], now, []);
  const foreign = validCas([trusted], now, []);
  const stillTrusted = (pem: string) =>
    !isRetired(retired, fingerprint(pem)) || inBundle.has(fingerprint(pem));
  const kept = validCas([...own, ...foreign].filter(stillTrusted), now, [fingerprint(ca.certPem)]);
  const serving = step === 'rotate-ca' ? undefined : await newServing(ca, s, now);
  return {
    ...current,
    caCert: ca.certPem,
    caKey: ca.keyPem,
    bundle: joinPem([ca.certPem, ...kept]),
    ...(serving ? { cert: serving.certPem, key: serving.keyPem } : {}),
    ...(step === 'create' && kept.length === 0 ? {} : { caRotatedAt: now.toISOString() }),
  };
}

/** The request annotation gone and, when it named one, the CA recorded as retired (once). */
function retire(current: TlsMaterial, fp: string | undefined, now: Date): TlsMaterial {
  const { retireRequest: _taken, ...rest } = current;
  const { retired } = parseRetiredCas(current.retiredCas);
  if (fp === undefined || isRetired(retired, fp)) return rest;
  return {
    ...rest,
    retiredCas: formatRetiredCas([...retired, { fingerprint256: fp, retiredAt: now.getTime() }]),
  };
}

/**
 * Given a step of the plan and the Secret's material (empty when there is none), returns the material
 * after that step: new CA and/or serving certificate, or a rewritten bundle. Everything not concerned
 * by the step is kept as it is. `trusted` (PEM): what the webhooks' caBundles hold now; on `create`,
 * `regenerate` and `replace-ca` its still-valid CA certificates that are not retired stay in the
 * bundle (nothing else of it).
 */
export async function nextTlsMaterial(
  step: Step,
  current: TlsMaterial,
  settings: IssueSettings,
  now: Date,
  trusted?: string,
): Promise<TlsMaterial> {
  switch (step.kind) {
    case 'create':
    case 'regenerate':
    case 'replace-ca':
      return freshCa(step.kind, current, settings, now, trusted);
    case 'retire-ca':
      return retire(current, step.fingerprint, now);
    case 'rotate-ca':
      return freshCa(step.kind, current, settings, now, undefined);
    case 'renew-serving': {
      const serving = await newServing(currentCa(current), settings, now);
      return { ...current, cert: serving.certPem, key: serving.keyPem };
    }
    case 'update-bundle': {
      const blocks = [...certificateBlocks(current.caCert), ...certificateBlocks(current.bundle)];
      const byFingerprint = new Map<string, string>();
      for (const pem of blocks) {
        try {
          byFingerprint.set(fingerprint(pem), pem);
        } catch {
          // unreadable: dropped
        }
      }
      const kept = step.keep.flatMap((fp) => byFingerprint.get(fp) ?? []);
      return { ...current, bundle: joinPem(kept) };
    }
  }
}
