import {
  planCertificates,
  type CertificatePlan,
  type CertificatePolicy,
  type TlsSecretState,
} from '../../decide/certificates.js';
import { ADM_ERR, AdmissionError } from '../../errors.js';
import { inspectTlsMaterial } from './inspect-tls-material.js';
import { nextTlsMaterial, type IssueSettings } from './next-tls-material.js';
import type { StoredTlsSecret, TlsSecretStore } from './tls-secret-client.js';

export type CertificateStep = Exclude<CertificatePlan, { kind: 'keep' }>;

/** One write the settling tried: `conflict` = another replica wrote first; its result was used. */
export interface SettleStep {
  readonly plan: CertificateStep;
  readonly outcome: 'written' | 'conflict';
}

export interface SettledSecret {
  readonly stored: StoredTlsSecret;
  readonly state: TlsSecretState;
  /** When the Secret needs looking at again (epoch ms). */
  readonly recheckAt: number;
  readonly steps: readonly SettleStep[];
}

export interface SettleOptions {
  readonly store: TlsSecretStore;
  readonly policy: CertificatePolicy;
  readonly issue: IssueSettings;
  readonly now: () => number;
  /**
   * Since when (this replica's clock) every caBundle has trusted the CA with this fingerprint, as the
   * bootstrap noted after setting it; undefined: not yet (the overlap then counts from now). Without
   * it only the Secret's `ca-rotated-at` counts.
   */
  readonly trustedSince?: (fingerprint: string) => number | undefined;
  /**
   * What the webhooks' caBundles hold now (PEM), read only when a new CA replaces the Secret (create,
   * regenerate): its still-valid CA certificates stay trusted beside the new CA.
   */
  readonly trustedCas?: () => Promise<string>;
}

/** What the Secret holds, with since when (our clock) the webhooks trust its CA. */
function inspect(stored: StoredTlsSecret, options: SettleOptions, now: number): TlsSecretState {
  const state = inspectTlsMaterial(stored.material);
  if (!options.trustedSince || !state.ca.ok) return state;
  return { ...state, caTrustedSince: options.trustedSince(state.ca.value.fingerprint256) ?? now };
}

/** Steps that make a new CA in place of one that may still be trusted: the caBundles' CAs stay. */
const FRESH_CA: ReadonlySet<CertificatePlan['kind']> = new Set(['create', 'regenerate', 'replace-ca']);

/** A rotation takes two steps, a conflict one more read: far more than this means something fights us. */
const MAX_STEPS = 8;

/**
 * Reads the Secret and applies the plan's steps one at a time until the plan says `keep`: each step is
 * written with optimistic concurrency (create, or replace carrying the resourceVersion read); when
 * another replica wrote first, its Secret is read and planned on instead, so replicas starting
 * together end with one CA. Returns the settled Secret and the steps taken, for the caller to log.
 */
export async function settleTlsSecret(options: SettleOptions): Promise<SettledSecret> {
  const steps: SettleStep[] = [];
  let stored = await options.store.get();
  for (let i = 0; i < MAX_STEPS; i += 1) {
    const now = options.now();
    const state = stored ? inspect(stored, options, now) : undefined;
    const plan = planCertificates(state, options.policy, now);
    if (plan.kind === 'keep' && stored && state) {
      return { stored, state, recheckAt: plan.recheckAt, steps };
    }
    if (plan.kind === 'keep') break;
    const fresh = FRESH_CA.has(plan.kind);
    const trusted = fresh && options.trustedCas ? await options.trustedCas() : undefined;
    const material = stored?.material ?? {};
    const next = await nextTlsMaterial(plan, material, options.issue, new Date(options.now()), trusted);
    const written = stored ? await options.store.replace(stored, next) : await options.store.create(next);
    steps.push({ plan, outcome: written === 'conflict' ? 'conflict' : 'written' });
    stored = written === 'conflict' ? await options.store.get() : written;
  }
  throw new AdmissionError(
    ADM_ERR.TLS_BOOTSTRAP,
    `the certificate Secret did not settle after ${MAX_STEPS} steps (${steps
      .map((s) => `${s.plan.kind}:${s.outcome}`)
      .join(', ')}); is another writer changing it?`,
  );
}
