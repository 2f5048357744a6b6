/**
 * Which pair a replica serves (docs/adr/0015): the Secret's, or the one it already serves (its
 * files) while the Secret's comes from a CA that has not been trusted for the overlap yet. That
 * happens when the Secret was created again (deleted) or regenerated while the caBundles still held
 * the old CA: kube-apiserver may still trust only the old bundle for a while, so each replica keeps
 * its old pair, still trusted, until the new CA has been in every caBundle as long as a planned
 * rotation waits.
 *
 * The overlap counts from this replica's own first caBundle patch holding the new CA. A pair signed
 * by a retired CA is the exception: the CA leaves the caBundles twice the overlap after its
 * retirement (ca-retirement.ts), so a container restarted in the middle (its emptyDir still holding
 * that pair) must not count a whole overlap again from its restart; when every caBundle held the new
 * CA at its first read, it counts from before its start (`trustedBeforeStart`).
 */
import { isRetired } from './ca-retirement.js';
import {
  servingProblem,
  type CertificatePolicy,
  type Checked,
  type ServingInfo,
  type TlsSecretState,
} from './certificates.js';

export type ServedPairChoice =
  /** Serve the Secret's pair (write it to the files). */
  | { readonly kind: 'secret' }
  /** Keep serving the pair in the files until `until` (epoch ms), then look again. */
  | { readonly kind: 'held'; readonly until: number; readonly reason: string };

/**
 * Given the settled Secret (its CA and serving certificate usable), the pair this replica serves
 * now (parsed against the Secret's bundle; undefined when its files hold none), the policy and the
 * time, returns whether to keep serving that pair or switch to the Secret's. The pair is kept only
 * while it is servable (not expired, valid already, with every name) and signed by an older CA of
 * the bundle, and the Secret's certificate comes from a CA whose first caBundle patch on this
 * replica (`caTrustedSince`, its own clock) is less than the overlap ago.
 */
export function chooseServedPair(
  state: TlsSecretState,
  held: Checked<ServingInfo> | undefined,
  policy: CertificatePolicy,
  now: number,
): ServedPairChoice {
  if (!state.ca.ok || !state.serving.ok || held === undefined || !held.ok) return { kind: 'secret' };
  const ca = state.ca.value.fingerprint256;
  const pair = held.value;
  if (state.serving.value.issuer !== ca || pair.serialNumber === state.serving.value.serialNumber) {
    return { kind: 'secret' };
  }
  if (pair.issuer === ca || servingProblem(held, policy, now) !== undefined) return { kind: 'secret' };
  // On this replica's clock only: its own patch is what the apiservers must have loaded. The
  // writer's `ca-rotated-at` would let a clock running ahead of ours hold an old pair after a
  // planned rotation, long after every caBundle trusted the new CA. It counts only for a retired
  // CA's pair after a restart (overlapStart), which must not outlive the CA in the caBundles.
  if (state.caTrustedSince === undefined) return { kind: 'secret' };
  const switchAt = overlapStart(state, state.caTrustedSince, pair) + policy.caOverlapMs;
  if (now >= switchAt) return { kind: 'secret' };
  return {
    kind: 'held',
    until: Math.min(switchAt, pair.notAfter),
    reason: 'the Secret holds a certificate from a CA the caBundles have not trusted for the overlap yet',
  };
}

/**
 * Since when the overlap that holds `pair` counts: this replica's own record (`own`) or, for a pair
 * signed by a retired CA while every caBundle held the current CA at this process's first read, the
 * earlier trustedBeforeStart. Other held pairs keep the whole overlap from the replica's own patch:
 * their CA stays trusted until it expires, so holding them longer refuses nothing, and a clock
 * running ahead of the writer's cannot shorten their overlap.
 */
function overlapStart(state: TlsSecretState, own: number, pair: ServingInfo) {
  const read = state.caHeldAtFirstRead;
  if (read === undefined || pair.issuer === undefined || !isRetired(state.retired, pair.issuer)) return own;
  return Math.min(own, trustedBeforeStart(state.caRotatedAt, read));
}

/**
 * Since when (this replica's clock) every caBundle has trusted the current CA, when every one of them
 * already held it at this process's first read (`firstReadAt`), before any patch of its own: since
 * the Secret's `ca-rotated-at` (when the CA joined the bundle; the writer's clock), never later than
 * that read; from the read when the Secret does not say.
 */
export function trustedBeforeStart(caRotatedAt: number | undefined, firstReadAt: number): number {
  return Math.min(firstReadAt, caRotatedAt ?? firstReadAt);
}
