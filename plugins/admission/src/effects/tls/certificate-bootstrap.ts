import type { Clock, KeyPairFiles } from '@corral/runtime';
import type { Logger } from 'pino';
import type { ServingInfo } from '../../decide/certificates.js';
import { ADM_ERR, AdmissionError } from '../../errors.js';
import type { CertificateMetrics } from './certificate-metrics.js';
import { writeServingPair } from './serving-files.js';
import type { SettledSecret, SettleStep } from './settle-tls-secret.js';
import type { CaBundleSync } from './webhook-ca-bundles.js';

export interface CertificateBootstrapOptions {
  /**
   * Reads the Secret and brings it up to date (settleTlsSecret); `trustedSince` tells since when (the
   * clock's time) every caBundle this replica set has trusted a CA, by fingerprint.
   */
  readonly settle: (trustedSince: (fingerprint: string) => number | undefined) => Promise<SettledSecret>;
  /** Sets the caBundle of our webhooks (WebhookCaBundles.sync). */
  readonly webhooks: { sync(caBundle: string): Promise<CaBundleSync> };
  /** Where the HTTPS server reads its pair from. */
  readonly files: KeyPairFiles;
  /** Serial number of the certificate the server presents now (servedSerialNumber). */
  readonly servedSerial: () => Promise<string>;
  /** `namespace/name` of the Secret, for logs and readiness reasons. */
  readonly secret: string;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: CertificateMetrics;
  /** The `tls` readiness condition. */
  readonly ready: (ok: boolean, reason?: string) => void;
  /** Look again at least this often, even when no watch reported a change. */
  readonly resyncMs: number;
  readonly backoff?: { readonly initialMs: number; readonly maxMs: number };
  /** How long to wait for the reloader to serve a newly written pair. Default 40 × 250 ms. */
  readonly confirm?: { readonly attempts: number; readonly intervalMs: number };
}

export interface CertificateBootstrap {
  /** Something changed (a watch event): reconcile soon. Calls are coalesced. */
  trigger(): void;
  /** Reconciles now (after the run in flight); resolves when done, also when it failed. */
  reconcile(): Promise<void>;
  /** Stops the timers; resolves when the run in flight has ended. */
  stop(): Promise<void>;
}

const STEP_LOGS: Record<SettleStep['plan']['kind'], string> = {
  create: 'created the webhook certificate Secret: a new CA and serving certificate',
  regenerate: 'the webhook certificate Secret was unusable: generated a new CA and serving certificate',
  'rotate-ca': 'rotated the webhook CA: the caBundle trusts the old and the new CA until the old one expires',
  'renew-serving': 'issued a new serving certificate',
  'update-bundle': 'updated the CA bundle',
};
const ROTATED: Record<SettleStep['plan']['kind'], readonly ('ca' | 'serving')[]> = {
  create: ['ca', 'serving'],
  regenerate: ['ca', 'serving'],
  'rotate-ca': ['ca'],
  'renew-serving': ['serving'],
  'update-bundle': [],
};

/**
 * Keeps this replica's webhook certificate current (docs/adr/0015), and is the boundary that logs it:
 * each run settles the Secret, sets the webhooks' caBundle, then writes the Secret's pair to the
 * serving files (the runtime's reloader swaps it in; never before the caBundle trusts its CA), and
 * checks over TLS that the pair is served before reporting ready. Runs at start, on `trigger()`
 * (watches), at the plan's next renewal time or every `resyncMs`, and after a failure with capped
 * exponential backoff. Never logs key material.
 */
export function startCertificateBootstrap(options: CertificateBootstrapOptions): CertificateBootstrap {
  const { clock, logger, metrics } = options;
  const log = logger.child({ component: 'tls-bootstrap', secret: options.secret });
  const backoff = options.backoff ?? { initialMs: 500, maxMs: 30_000 };
  const confirm = options.confirm ?? { attempts: 40, intervalMs: 250 };
  let served: { readonly serial: string; readonly notAfter: number } | undefined;
  let failures = 0;
  let stopped = false;
  let cancelTimer: (() => void) | undefined;
  let cancelTrigger: (() => void) | undefined;
  let chain: Promise<void> = Promise.resolve();
  let queued = false;
  const missing = new Set<string>();
  /** CA fingerprint → when our caBundle patches first held it (the rotation overlap counts from it). */
  const trusted = new Map<string, number>();

  const sleep = (ms: number) => new Promise<void>((resolve) => clock.after(ms, resolve));
  const schedule = (ms: number) => {
    cancelTimer?.();
    cancelTimer = stopped ? undefined : clock.after(ms, () => void reconcile());
  };
  const report = () => {
    if (served && served.notAfter > clock.now()) options.ready(true);
    else if (served)
      options.ready(false, `the served certificate expired; renewing it from Secret ${options.secret}`);
    else options.ready(false, `waiting for the serving certificate from Secret ${options.secret}`);
  };

  const logSteps = (steps: readonly SettleStep[]) => {
    for (const { plan, outcome } of steps) {
      if (outcome === 'conflict') {
        log.debug({ step: plan.kind }, 'another replica changed the Secret first; using its result');
        continue;
      }
      const level = plan.kind === 'regenerate' ? 'warn' : 'info';
      log[level]({ step: plan.kind, reason: plan.reason }, STEP_LOGS[plan.kind]);
      for (const certificate of ROTATED[plan.kind]) metrics.rotations.inc({ certificate, reason: plan.kind });
    }
  };

  const confirmServed = async (serving: ServingInfo) => {
    const wanted = serving.serialNumber.toUpperCase();
    if (served?.serial === wanted) return;
    let seen = 'nothing';
    for (let attempt = 0; attempt < confirm.attempts && !stopped; attempt += 1) {
      if (attempt > 0) await sleep(confirm.intervalMs);
      seen = await options.servedSerial().catch((err: unknown) => `error (${String(err)})`);
      if (seen === wanted) {
        served = { serial: wanted, notAfter: serving.notAfter };
        log.info(
          { serialNumber: wanted, notAfter: new Date(serving.notAfter).toISOString() },
          'serving the certificate from the Secret',
        );
        return;
      }
    }
    throw new AdmissionError(
      ADM_ERR.TLS_BOOTSTRAP,
      `the server still presents ${seen}, not the certificate ${wanted} written to ${options.files.certFile}`,
    );
  };

  const syncWebhooks = async (bundle: string) => {
    const result = await options.webhooks.sync(Buffer.from(bundle, 'utf8').toString('base64'));
    for (const { target, webhooks } of result.patched) {
      metrics.caBundlePatches.inc({ kind: target.kind });
      log.info({ kind: target.kind, name: target.name, webhooks }, 'set the caBundle of the webhooks');
    }
    const now = new Set(result.missing.map((t) => `${t.kind}/${t.name}`));
    for (const key of now)
      if (!missing.has(key))
        log.warn(
          { configuration: key },
          'webhook configuration not found; its caBundle is set when it appears',
        );
    missing.clear();
    for (const key of now) missing.add(key);
  };

  const noteTrusted = (fingerprints: readonly string[]) => {
    for (const fingerprint of [...trusted.keys()])
      if (!fingerprints.includes(fingerprint)) trusted.delete(fingerprint);
    for (const fingerprint of fingerprints)
      if (!trusted.has(fingerprint)) trusted.set(fingerprint, clock.now());
  };

  const runOnce = async (): Promise<number> => {
    const settled = await options.settle((fingerprint) => trusted.get(fingerprint));
    logSteps(settled.steps);
    const { material } = settled.stored;
    const { ca, serving } = settled.state;
    if (!ca.ok || !serving.ok || !material.cert || !material.key || !material.bundle) {
      throw new AdmissionError(ADM_ERR.TLS_BOOTSTRAP, 'the settled Secret lacks a usable pair (a bug)');
    }
    metrics.expiry.set({ certificate: 'ca' }, ca.value.notAfter / 1000);
    // The caBundle first: the pair is served only once every webhook trusts its CA, so a patch that
    // fails leaves the previous (still trusted) pair in service.
    await syncWebhooks(material.bundle);
    noteTrusted(settled.state.bundle.map((c) => c.fingerprint256));
    await writeServingPair(options.files, { cert: material.cert, key: material.key });
    await confirmServed(serving.value);
    metrics.expiry.set({ certificate: 'serving' }, serving.value.notAfter / 1000);
    return settled.recheckAt;
  };

  const run = async () => {
    try {
      const recheckAt = await runOnce();
      failures = 0;
      report();
      schedule(Math.max(1000, Math.min(options.resyncMs, recheckAt - clock.now())));
    } catch (err) {
      if (stopped) return;
      failures += 1;
      metrics.syncErrors.inc();
      const retryInMs = Math.min(backoff.maxMs, backoff.initialMs * 2 ** (failures - 1));
      log.warn({ err, failures, retryInMs }, 'could not bring the webhook certificate up to date; retrying');
      report();
      schedule(retryInMs);
    }
  };

  const reconcile = (): Promise<void> => {
    if (stopped) return chain;
    if (queued) return chain;
    queued = true;
    chain = chain.then(async () => {
      queued = false;
      if (!stopped) await run();
    });
    return chain;
  };

  report();
  void reconcile();
  return {
    trigger() {
      cancelTrigger ??= clock.after(100, () => {
        cancelTrigger = undefined;
        void reconcile();
      });
    },
    reconcile,
    async stop() {
      stopped = true;
      cancelTimer?.();
      cancelTrigger?.();
      await chain;
    },
  };
}
