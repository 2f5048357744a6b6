import type { Logger } from 'pino';
import { caBundleReadiness, type ObservedCaBundle } from '../../decide/webhook-ca-bundle.js';
import { untrustingCaBundles } from './inspect-tls-material.js';

/** The certificate a replica serves: its serial number (as node:crypto writes it) and PEM. */
export interface ServedCertificate {
  readonly serial: string;
  readonly cert: string;
}

export interface CaBundleTrustOptions {
  /** The caBundles of the webhooks calling our Service (WebhookCaBundles.observe). */
  readonly observe: () => Promise<readonly ObservedCaBundle[]>;
  /** The `tls-ca-bundle` readiness condition. */
  readonly trusted: (ok: boolean, reason?: string) => void;
  readonly log: Logger;
}

/**
 * The readiness condition that every managed webhook's caBundle trusts what this replica serves
 * (docs/adr/0015): `check(served)` reads the caBundles and sets it, logging a change of verdict once
 * (warn when it turns false). A read that fails leaves the verdict as it was: an API outage alone
 * does not take every replica out of the Service.
 */
export function caBundleTrust(options: CaBundleTrustOptions) {
  let last: string | undefined;
  return async (served: ServedCertificate): Promise<void> => {
    let observed: readonly ObservedCaBundle[];
    try {
      observed = await options.observe();
    } catch (err) {
      options.log.debug({ err }, 'could not read the caBundles to check the served certificate against');
      return;
    }
    const untrusting = untrustingCaBundles(served.cert, observed);
    const verdict = caBundleReadiness(served.serial, untrusting);
    options.trusted(verdict.ok, verdict.reason);
    const key = verdict.reason ?? 'ok';
    if (key === last) return;
    if (!verdict.ok) {
      options.log.warn(
        { serialNumber: served.serial, webhooks: untrusting.map((u) => u.webhook) },
        'a caBundle does not trust the served certificate: not ready until it does',
      );
    } else if (last !== undefined) {
      options.log.info({ serialNumber: served.serial }, 'every caBundle trusts the served certificate again');
    }
    last = key;
  };
}
