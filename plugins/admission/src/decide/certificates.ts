/**
 * What to do with the webhooks' certificate Secret (docs/adr/0015): pure decisions over what the
 * Secret holds, already parsed (effects/tls/inspect-tls-secret.ts). One step at a time: the caller
 * writes the step, reads the result back and asks again until the answer is `keep`.
 *
 * Lifecycle: `create` (no Secret) → `keep` … → `renew-serving` at 2/3 of the serving certificate's
 * lifetime → … → `rotate-ca` at 2/3 of the CA's lifetime: the new CA joins the bundle beside the old
 * one while the serving certificate stays; once the bundle has been out for `caOverlapMs` (from the
 * rotation, and from when this replica's caBundle patches trusted the new CA, on its own clock),
 * `renew-serving` issues from the new CA; the old CA leaves the bundle when it expires (`update-bundle`).
 * A `create` or `regenerate` that keeps older CAs in the bundle counts as a rotation too, but its
 * serving certificate is from the new CA at once: each replica then keeps serving its older, still
 * trusted pair for the overlap (served-pair.ts).
 *
 * Retiring a CA on request (ca-retirement.ts): `retire-ca` records it in the Secret, `replace-ca`
 * replaces it when it is the current CA (as `regenerate` would, the served pair held for the
 * overlap), `renew-serving` reissues a serving certificate it signed, and `update-bundle` takes it
 * out of the bundle at `retiredDropTime`, for good.
 */
import { isRetired, retiredDropTime, takeUpRetireRequest, type RetiredCa } from './ca-retirement.js';

/** One certificate as parsed: times are epoch milliseconds. */
export interface CertificateInfo {
  readonly serialNumber: string;
  /** SHA-256 fingerprint: identifies a CA in the bundle. */
  readonly fingerprint256: string;
  readonly notBefore: number;
  readonly notAfter: number;
}

/** The serving certificate: its DNS names and which CA of the bundle signed it. */
export interface ServingInfo extends CertificateInfo {
  readonly dnsNames: readonly string[];
  /** Fingerprint of the bundle CA that signed it; undefined when none of them did. */
  readonly issuer: string | undefined;
}

/** A parsed part of the Secret, or why it cannot be used (e.g. `ca.key does not belong to ca.crt`). */
export type Checked<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: string };

/** What the Secret holds, parsed. */
export interface TlsSecretState {
  /** `ca.crt` + `ca.key`: the CA that signs serving certificates. */
  readonly ca: Checked<CertificateInfo>;
  /** `tls.crt` + `tls.key`. */
  readonly serving: Checked<ServingInfo>;
  /** `ca-bundle.crt`: the CAs clients trust (the webhooks' caBundle), in order. */
  readonly bundle: readonly CertificateInfo[];
  /** Entries of `ca-bundle.crt` that are not readable CA certificates (a leaf, garbage); none if absent. */
  readonly bundleStrays?: number;
  /** When the current CA replaced a previous one (annotation, the writer's clock), if it did. */
  readonly caRotatedAt: number | undefined;
  /**
   * Since when, on this replica's clock, every webhook's caBundle has trusted the current CA: this
   * replica set it (the caller counts from now until it has). Replicas' clocks may disagree, so the
   * overlap is also measured on one clock; undefined: only `caRotatedAt` counts.
   */
  readonly caTrustedSince?: number;
  /**
   * When this process first read the webhooks' caBundles (its clock), if every one already held the
   * current CA then, before any patch of its own: the CA was trusted before it started (a restarted
   * container). Only the served pair's choice uses it (served-pair.ts).
   */
  readonly caHeldAtFirstRead?: number;
  /** Fingerprint of the certificate in `ca.crt` even when the CA is unusable (`current` names it). */
  readonly caFingerprint?: string;
  /** Annotation `corral.dev/retire-ca`, parsed: `current` or a fingerprint; undefined when absent. */
  readonly retireRequest?: Checked<string>;
  /** Annotation `corral.dev/retired-cas`: CAs that never sign again and leave the bundle for good. */
  readonly retired?: readonly RetiredCa[];
  /** Why `corral.dev/retired-cas` could not be read whole, if it could not. */
  readonly retiredProblem?: string;
}

export interface CertificatePolicy {
  /** Names the serving certificate must carry (`<service>.<namespace>.svc` …). */
  readonly dnsNames: readonly string[];
  /** Renew a certificate once this fraction of its lifetime has passed. */
  readonly renewAtFraction: number;
  /** A new CA must have been in the bundle this long before serving certificates switch to it. */
  readonly caOverlapMs: number;
}

/** Renew at two thirds of the lifetime: a third is left for retries and for clocks that disagree. */
export const RENEW_AT_FRACTION = 2 / 3;
/** Long enough for every apiserver to load the patched caBundle and every replica the new Secret. */
export const CA_OVERLAP_MS = 10 * 60 * 1000;

export type CertificatePlan =
  /** No Secret: a new CA, a serving certificate, a bundle of that CA. */
  | { readonly kind: 'create'; readonly reason: string }
  /** The CA is unusable: a new CA and serving certificate; still-valid old CAs stay trusted. */
  | { readonly kind: 'regenerate'; readonly reason: string }
  /**
   * The admin asked to retire a CA: `fingerprint` (undefined: none) joins `corral.dev/retired-cas`,
   * and the request annotation goes.
   */
  | {
      readonly kind: 'retire-ca';
      readonly reason: string;
      readonly fingerprint: string | undefined;
    }
  /** The current CA is retired: a new CA and serving certificate; the retired CA stays until dropped. */
  | { readonly kind: 'replace-ca'; readonly reason: string }
  /** The CA nears its end: a new CA joins the bundle; the serving certificate is kept. */
  | { readonly kind: 'rotate-ca'; readonly reason: string }
  /** A new serving certificate from the current CA. */
  | { readonly kind: 'renew-serving'; readonly reason: string }
  /**
   * The bundle becomes `keep` (fingerprints, in order): current CA first; expired CAs, retired CAs
   * past their drop time (listed in `retired`) and strays dropped.
   */
  | {
      readonly kind: 'update-bundle';
      readonly reason: string;
      readonly keep: readonly string[];
      readonly retired?: readonly string[];
    }
  /** Nothing to do before `recheckAt` (epoch ms). */
  | { readonly kind: 'keep'; readonly recheckAt: number };

/** When a certificate is due for renewal. */
export function renewalTime(cert: CertificateInfo, fraction: number = RENEW_AT_FRACTION): number {
  return cert.notBefore + Math.floor((cert.notAfter - cert.notBefore) * fraction);
}

const iso = (ms: number) => new Date(ms).toISOString();

function checkCa(ca: CertificateInfo, policy: CertificatePolicy, now: number): CertificatePlan | undefined {
  if (ca.notAfter <= now) return { kind: 'regenerate', reason: `the CA expired at ${iso(ca.notAfter)}` };
  if (now >= renewalTime(ca, policy.renewAtFraction)) {
    return { kind: 'rotate-ca', reason: `the CA is due for rotation (it expires at ${iso(ca.notAfter)})` };
  }
  return undefined;
}

/** The retired CAs of the bundle (never the current one), each with when it leaves it. */
function retiredInBundle(state: TlsSecretState, ca: CertificateInfo, policy: CertificatePolicy) {
  return state.bundle.flatMap((c) => {
    const retired = state.retired?.find((r) => r.fingerprint256 === c.fingerprint256);
    if (retired === undefined || c.fingerprint256 === ca.fingerprint256) return [];
    const dropAt = retiredDropTime(retired, state.caTrustedSince, policy.caOverlapMs);
    return [{ fingerprint256: c.fingerprint256, dropAt }];
  });
}

function bundleReason(state: TlsSecretState, ca: CertificateInfo, now: number, retired: readonly string[]) {
  const strays = state.bundleStrays ?? 0;
  if (!state.bundle.some((c) => c.fingerprint256 === ca.fingerprint256)) {
    return 'the CA bundle does not contain the current CA';
  }
  if (state.bundle.some((c) => c.notAfter <= now)) return 'the CA bundle holds an expired CA';
  if (retired.length > 0) {
    return `the retired CA ${retired.join(', ')} has had its overlap: every replica serves from another CA`;
  }
  if (strays > 0) {
    return `the CA bundle holds ${strays} entr${strays === 1 ? 'y' : 'ies'} that are not CA certificates`;
  }
  return 'the CA bundle is out of order';
}

function checkBundle(
  state: TlsSecretState,
  ca: CertificateInfo,
  policy: CertificatePolicy,
  now: number,
): CertificatePlan | undefined {
  const drop = new Set(
    retiredInBundle(state, ca, policy)
      .filter((r) => now >= r.dropAt)
      .map((r) => r.fingerprint256),
  );
  const keep = [
    ca.fingerprint256,
    ...state.bundle
      .filter(
        (c) => c.fingerprint256 !== ca.fingerprint256 && c.notAfter > now && !drop.has(c.fingerprint256),
      )
      .map((c) => c.fingerprint256),
  ];
  const have = state.bundle.map((c) => c.fingerprint256);
  const strays = state.bundleStrays ?? 0;
  if (strays === 0 && keep.length === have.length && keep.every((fp, i) => fp === have[i])) return undefined;
  const retired = [...drop];
  const reason = bundleReason(state, ca, now, retired);
  return { kind: 'update-bundle', reason, keep, ...(retired.length > 0 ? { retired } : {}) };
}

/** Given a serving certificate as parsed, returns why it cannot be served as it is, or undefined. */
export function servingProblem(serving: Checked<ServingInfo>, policy: CertificatePolicy, now: number) {
  if (!serving.ok) return serving.problem;
  const cert = serving.value;
  if (cert.notAfter <= now) return `the serving certificate expired at ${iso(cert.notAfter)}`;
  // Issued by a replica whose clock runs ahead (more than the 5 minutes notBefore is backdated):
  // clients refuse it until then. A reissue here is valid for every clock behind this one.
  if (cert.notBefore > now) return `the serving certificate is not valid before ${iso(cert.notBefore)}`;
  const missing = policy.dnsNames.filter((name) => !cert.dnsNames.includes(name));
  if (missing.length > 0) return `the serving certificate lacks the name(s) ${missing.join(', ')}`;
  if (cert.issuer === undefined) return 'the serving certificate is not signed by a CA of the bundle';
  return undefined;
}

/** The step the admin's pending request to retire a CA asks for, if there is one to take up. */
function retireStep(state: TlsSecretState): CertificatePlan | undefined {
  const taken = takeUpRetireRequest({
    request: state.retireRequest,
    current: state.ca.ok ? state.ca.value.fingerprint256 : state.caFingerprint,
    bundle: state.bundle.map((c) => c.fingerprint256),
    retired: state.retired ?? [],
  });
  return taken && { kind: 'retire-ca', ...taken };
}

/** The serving certificate's step once the CA and the bundle are settled. */
function planServing(
  state: TlsSecretState,
  ca: CertificateInfo,
  policy: CertificatePolicy,
  now: number,
): CertificatePlan {
  const problem = servingProblem(state.serving, policy, now);
  if (problem !== undefined || !state.serving.ok) {
    return { kind: 'renew-serving', reason: problem ?? 'no serving certificate' };
  }
  const serving = state.serving.value;
  if (serving.issuer !== undefined && isRetired(state.retired, serving.issuer)) {
    return {
      kind: 'renew-serving',
      reason: `the serving certificate is signed by the retired CA ${serving.issuer}`,
    };
  }
  const oldCas = state.bundle.filter((c) => c.fingerprint256 !== ca.fingerprint256).map((c) => c.notAfter);
  const drops = retiredInBundle(state, ca, policy).map((r) => r.dropAt);
  const caDue = renewalTime(ca, policy.renewAtFraction);
  if (serving.issuer !== ca.fingerprint256) {
    const switchAt = Math.max(state.caRotatedAt ?? 0, state.caTrustedSince ?? 0) + policy.caOverlapMs;
    if (now >= switchAt) {
      return { kind: 'renew-serving', reason: 'the serving certificate is signed by the previous CA' };
    }
    return { kind: 'keep', recheckAt: Math.min(switchAt, serving.notAfter, caDue, ...oldCas, ...drops) };
  }
  const servingDue = renewalTime(serving, policy.renewAtFraction);
  if (now >= servingDue) {
    return {
      kind: 'renew-serving',
      reason: `the serving certificate is due for renewal (it expires at ${iso(serving.notAfter)})`,
    };
  }
  return { kind: 'keep', recheckAt: Math.min(servingDue, caDue, ...oldCas, ...drops) };
}

/**
 * Given what the Secret holds (undefined: there is none), the policy and the time, returns the next
 * step: create, take up a request to retire a CA, regenerate, replace a retired CA, rotate the CA,
 * fix the bundle (dropping retired CAs once their time has come), renew the serving certificate, or
 * keep (with when to look again).
 */
export function planCertificates(
  state: TlsSecretState | undefined,
  policy: CertificatePolicy,
  now: number,
): CertificatePlan {
  if (state === undefined) return { kind: 'create', reason: 'the Secret does not exist' };
  // Before anything replaces the CA: `current` names the CA of the Secret as the admin saw it.
  const retire = retireStep(state);
  if (retire) return retire;
  if (!state.ca.ok) return { kind: 'regenerate', reason: `no usable CA: ${state.ca.problem}` };
  const ca = state.ca.value;
  if (isRetired(state.retired, ca.fingerprint256)) {
    return { kind: 'replace-ca', reason: `the current CA ${ca.fingerprint256} is retired` };
  }
  return (
    checkCa(ca, policy, now) ?? checkBundle(state, ca, policy, now) ?? planServing(state, ca, policy, now)
  );
}
