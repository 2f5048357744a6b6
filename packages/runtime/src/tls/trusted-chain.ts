import type { X509Certificate } from 'node:crypto';
import { validityProblem } from './certificate-validity.js';

/** Longest chain followed (real client chains are 1 to 3 certificates above the leaf). */
const MAX_DEPTH = 10;

const validAt = (cert: X509Certificate, now: number): boolean => validityProblem(cert, now) === undefined;

/** Did `issuer` sign `subject` (names and key identifiers match, and the signature checks)? */
export const signedBy = (subject: X509Certificate, issuer: X509Certificate): boolean =>
  subject.checkIssued(issuer) && subject.verify(issuer.publicKey);

const isSelfSigned = (cert: X509Certificate): boolean => signedBy(cert, cert);

/**
 * Given a client's certificate, the other certificates of its chain (as the connection reports them,
 * which may include the root it was verified against then), a CA bundle and the time in ms, returns
 * whether the bundle trusts the certificate as TLS checks it in a handshake (without partial chains):
 * a chain from the certificate up to a self-signed certificate of the bundle, each one signed by the
 * next (issuers taken from the bundle first, then from the chain, where they must be CAs), every one
 * valid at `now`. Extensions beyond the CA flag (key usage, policies, name constraints) are not
 * checked: the handshake that accepted the certificate checked them.
 */
export function chainIsTrusted(
  leaf: X509Certificate,
  chain: readonly X509Certificate[],
  bundle: readonly X509Certificate[],
  now: number,
): boolean {
  const inBundle = (cert: X509Certificate): boolean =>
    bundle.some((anchor) => anchor.fingerprint256 === cert.fingerprint256);
  const issuerOf = (cert: X509Certificate): X509Certificate | undefined =>
    bundle.find((anchor) => validAt(anchor, now) && signedBy(cert, anchor)) ??
    chain.find((other) => other.ca && validAt(other, now) && signedBy(cert, other));
  if (!validAt(leaf, now)) return false;
  const seen = new Set<string>();
  let current = leaf;
  for (let depth = 0; depth <= MAX_DEPTH; depth += 1) {
    if (isSelfSigned(current)) return inBundle(current);
    seen.add(current.fingerprint256);
    const issuer = issuerOf(current);
    if (issuer === undefined || seen.has(issuer.fingerprint256)) return false;
    current = issuer;
  }
  return false;
}
