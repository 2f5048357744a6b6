/**
 * Retiring a webhook CA on request (docs/admission.md#webhook-tls): pure parts of the revoke switch.
 *
 * The admin sets the annotation `corral.dev/retire-ca` on the certificate Secret to a CA's SHA-256
 * fingerprint, or to `current`. A replica takes the request up in one write: the fingerprint joins
 * the annotation `corral.dev/retired-cas` (fingerprint → when, the writer's clock) and the request
 * goes (so `current` is resolved once). From then on planCertificates never lets that CA sign: a
 * retired current CA is replaced (new CA and serving certificate; replicas keep their still-trusted
 * pair for the overlap, served-pair.ts), a serving certificate it signed is reissued, and it leaves
 * the bundle once every replica serves from another CA (`retiredDropTime`). Once out of the bundle it
 * is never put back: not from the caBundles when a new CA is made, and a bundle that holds it again
 * (a hand edit) is rewritten without it.
 *
 * Nothing here imports certificates.ts (which imports this): the shapes are structural.
 */

/** The request value that names the CA `ca.crt` holds when the request is taken up. */
export const RETIRE_CURRENT = 'current';

/** A retired CA: its SHA-256 fingerprint (node:crypto's form) and when it was retired (epoch ms). */
export interface RetiredCa {
  readonly fingerprint256: string;
  readonly retiredAt: number;
}

type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: string };

/**
 * Given the value of `corral.dev/retire-ca`, returns `current` or the fingerprint as node:crypto
 * writes it (upper-case hex pairs joined by `:`), or why it is neither. Accepted: 64 hex digits, with
 * or without colons, in either case, optionally after `sha256:` or openssl's `SHA256 Fingerprint=`.
 */
export function parseRetireRequest(value: string): Parsed<string> {
  const text = value.trim();
  if (text.toLowerCase() === RETIRE_CURRENT) return { ok: true, value: RETIRE_CURRENT };
  const hex = text.replace(/^sha-?256(\s+fingerprint)?\s*[=:]\s*/i, '').replace(/[:\s]/g, '');
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) {
    return {
      ok: false,
      problem:
        `corral.dev/retire-ca is ${JSON.stringify(value.slice(0, 200))}: expected "current" or a CA's ` +
        'SHA-256 fingerprint (64 hex digits, colons allowed)',
    };
  }
  return { ok: true, value: (hex.toUpperCase().match(/../g) ?? []).join(':') };
}

/** Unreadable entries of `corral.dev/retired-cas` a problem names (each cut to 100 characters). */
const SHOWN_BAD_ENTRIES = 3;

/**
 * Given the value of `corral.dev/retired-cas` (a JSON object: fingerprint → RFC 3339 time), returns
 * the retired CAs it lists, and a problem when some entry (or the whole value) could not be read;
 * unreadable entries are left out.
 */
export function parseRetiredCas(value: string | undefined): {
  readonly retired: readonly RetiredCa[];
  readonly problem?: string;
} {
  if (value === undefined || value.trim() === '') return { retired: [] };
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { retired: [], problem: 'corral.dev/retired-cas is not a JSON object (fingerprint → time)' };
  }
  const retired: RetiredCa[] = [];
  const bad: string[] = [];
  for (const [key, at] of Object.entries(parsed)) {
    const fingerprint = parseRetireRequest(key);
    const retiredAt = typeof at === 'string' ? Date.parse(at) : NaN;
    if (fingerprint.ok && fingerprint.value !== RETIRE_CURRENT && !Number.isNaN(retiredAt)) {
      retired.push({ fingerprint256: fingerprint.value, retiredAt });
    } else bad.push(key.slice(0, 100));
  }
  if (bad.length === 0) return { retired };
  // Named in a warning: a few (an annotation may hold thousands), the rest counted.
  const named = bad.slice(0, SHOWN_BAD_ENTRIES).join(', ');
  const more = bad.length > SHOWN_BAD_ENTRIES ? ` and ${bad.length - SHOWN_BAD_ENTRIES} more` : '';
  const count = bad.length === 1 ? 'an unreadable entry' : `${bad.length} unreadable entries`;
  return { retired, problem: `corral.dev/retired-cas has ${count}: ${named}${more}` };
}

/** Given retired CAs, returns the value of `corral.dev/retired-cas` for them, oldest first. */
export function formatRetiredCas(retired: readonly RetiredCa[]): string {
  const sorted = [...retired].sort((a, b) => a.retiredAt - b.retiredAt);
  return JSON.stringify(
    Object.fromEntries(sorted.map((r) => [r.fingerprint256, new Date(r.retiredAt).toISOString()])),
  );
}

/** Given retired CAs and a fingerprint, returns whether that CA is retired. */
export function isRetired(retired: readonly RetiredCa[] | undefined, fingerprint: string): boolean {
  return (retired ?? []).some((r) => r.fingerprint256 === fingerprint);
}

/**
 * When a retired CA leaves the bundle (epoch ms): twice the overlap after it was retired and after
 * this replica's caBundles first trusted the current CA (`trustedSince`, its own clock), whichever
 * is later. The first overlap lets every kube-apiserver load the caBundle with the new CA before the
 * replicas switch to a pair it signed (served-pair.ts counts it from each replica's own patch); the
 * second lets every replica switch (clocks that disagree, a resync, a patch retried) before the CA
 * the old pairs were signed by goes.
 */
export function retiredDropTime(retired: RetiredCa, trustedSince: number | undefined, overlapMs: number) {
  return Math.max(retired.retiredAt, trustedSince ?? 0) + 2 * overlapMs;
}

/** What the admin asked for, as the state shows it. */
export interface RetireRequestView {
  /** The parsed annotation; undefined when absent. */
  readonly request: Parsed<string> | undefined;
  /** Fingerprint of the certificate in `ca.crt`, usable or not; undefined when it holds none. */
  readonly current: string | undefined;
  /** Fingerprints of the bundle's CAs. */
  readonly bundle: readonly string[];
  readonly retired: readonly RetiredCa[];
}

/**
 * Given a pending request, returns the CA it retires (undefined: it names none, and is only
 * cleared) and why, or undefined when there is no readable request to take up.
 */
export function takeUpRetireRequest(
  view: RetireRequestView,
): { readonly fingerprint: string | undefined; readonly reason: string } | undefined {
  if (view.request === undefined || !view.request.ok) return undefined;
  const asked = view.request.value;
  const fingerprint = asked === RETIRE_CURRENT ? view.current : asked;
  if (fingerprint === undefined) {
    return {
      fingerprint: undefined,
      reason: 'asked to retire the current CA, but ca.crt holds no readable certificate: nothing to retire',
    };
  }
  if (isRetired(view.retired, fingerprint)) {
    return { fingerprint, reason: `asked to retire the CA ${fingerprint}, which is retired already` };
  }
  if (fingerprint === view.current) {
    return { fingerprint, reason: `asked to retire the CA ${fingerprint}, the current one` };
  }
  if (view.bundle.includes(fingerprint)) {
    return { fingerprint, reason: `asked to retire the CA ${fingerprint}, an older one of the bundle` };
  }
  return {
    fingerprint,
    reason: `asked to retire the CA ${fingerprint}, which is not in the bundle: it will never be trusted`,
  };
}
