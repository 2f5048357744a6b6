import type { Clock, KeyPairFiles } from '@corral/runtime';
import type { Logger } from 'pino';
import { isRetired } from '../../decide/ca-retirement.js';
import type { CertificatePolicy, ServingInfo, TlsSecretState } from '../../decide/certificates.js';
import { chooseServedPair, type ServedPairChoice } from '../../decide/served-pair.js';
import type { ObservedCaBundle } from '../../decide/webhook-ca-bundle.js';
import { ADM_ERR, AdmissionError } from '../../errors.js';
import { caBundleTrust, type ServedCertificate } from './ca-bundle-trust.js';
import type { CertificateMetrics } from './certificate-metrics.js';
import { casInEveryBundle, inspectServingPair } from './inspect-tls-material.js';
import { readServingPair, writeServingPair, type PemPair } from './serving-files.js';
import type { SettledSecret, SettleStep } from './settle-tls-secret.js';
import type { CaBundleSync, StillCurrent } from './webhook-ca-bundles.js';

export interface CertificateBootstrapOptions {
  /**
   * Reads the Secret and brings it up to date (settleTlsSecret); `trustedSince` tells since when (the
   * clock's time) every caBundle this replica set has trusted a CA, by fingerprint.
   */
  readonly settle: (trustedSince: (fingerprint: string) => number | undefined) => Promise<SettledSecret>;
  /** Sets (WebhookCaBundles.sync) and reads (observe) the caBundle of our webhooks. */
  readonly webhooks: {
    sync(caBundle: string, stillCurrent: StillCurrent): Promise<CaBundleSync>;
    observe(): Promise<readonly ObservedCaBundle[]>;
  };
  /** Reads the Secret again and returns its `ca-bundle.crt` (asked before a caBundle loses a CA). */
  readonly currentBundle: () => Promise<string | undefined>;
  /** The policy the Secret is settled with (the overlap decides when a held pair gives way). */
  readonly policy: CertificatePolicy;
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
  /** The `tls-ca-bundle` readiness condition: every caBundle trusts what is served. */
  readonly trusted: (ok: boolean, reason?: string) => void;
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
  'retire-ca':
    'took up the request to retire a webhook CA: it signs nothing more, and leaves every caBundle once every replica serves from another CA',
  'replace-ca':
    'the webhook CA is retired: generated a new CA and serving certificate; replicas keep their pair until the new CA has been in every caBundle for the overlap',
  'rotate-ca': 'rotated the webhook CA: the caBundle trusts the old and the new CA until the old one expires',
  'renew-serving': 'issued a new serving certificate',
  'update-bundle': 'updated the CA bundle',
};
/** Passes in a row that found the Secret changed under their caBundle patch before one gives up. */
const STALE_PASSES = 4;

/** The fingerprints a step retires or drops, for its log line (fingerprints are not secret). */
function retirementFields(plan: SettleStep['plan']) {
  if (plan.kind === 'retire-ca' && plan.fingerprint !== undefined) return { fingerprint: plan.fingerprint };
  if (plan.kind === 'update-bundle' && plan.retired) return { retired: plan.retired };
  return {};
}

const ROTATED: Record<SettleStep['plan']['kind'], readonly ('ca' | 'serving')[]> = {
  create: ['ca', 'serving'],
  regenerate: ['ca', 'serving'],
  'retire-ca': [],
  'replace-ca': ['ca', 'serving'],
  'rotate-ca': ['ca'],
  'renew-serving': ['serving'],
  'update-bundle': [],
};

/**
 * Keeps this replica's webhook certificate current (docs/adr/0015), and is the boundary that logs it:
 * each run settles the Secret, sets the webhooks' caBundle (a patch that would drop a CA is sent only
 * if the Secret, read again, still holds that bundle; else the run settles again), then writes the
 * Secret's pair to the serving files (the runtime's reloader swaps it in; never before the caBundle
 * trusts its CA) or, while the Secret's pair comes from a CA not yet trusted for the overlap, keeps
 * the still-trusted pair the files hold (chooseServedPair; the overlap counts from this replica's
 * own caBundle patch or, for a pair of a retired CA, from before its start when every caBundle held
 * the new CA at its first read, so that a restarted container switches before the retired CA is
 * dropped); it checks over TLS that the pair is served before reporting ready (`tls`), and that
 * every caBundle trusts it (`tls-ca-bundle`). Runs at start, on `trigger()` (watches), at the
 * plan's next renewal time or every `resyncMs`, and after a failure with capped exponential backoff.
 * Never logs key material. A CA the admin retires
 * (`corral.dev/retire-ca`, planCertificates) goes through the same loop: each step is logged with the
 * fingerprint, an unreadable request is warned about once, the gauge `retiredCasTrusted` counts the
 * retired CAs the bundle still holds, and the moment a retired CA leaves this replica's caBundles is
 * logged.
 */
export function startCertificateBootstrap(options: CertificateBootstrapOptions): CertificateBootstrap {
  const { clock, logger, metrics } = options;
  const log = logger.child({ component: 'tls-bootstrap', secret: options.secret });
  const backoff = options.backoff ?? { initialMs: 500, maxMs: 30_000 };
  const confirm = options.confirm ?? { attempts: 40, intervalMs: 250 };
  let served: (ServedCertificate & { readonly notAfter: number }) | undefined;
  /** Serial number of the pair kept in service instead of the Secret's (logged once). */
  let holding: string | undefined;
  let failures = 0;
  let stopped = false;
  let cancelTimer: (() => void) | undefined;
  let cancelTrigger: (() => void) | undefined;
  let chain: Promise<void> = Promise.resolve();
  let queued = false;
  const missing = new Set<string>();
  /** Problems with the retirement annotations already logged. */
  const warned = new Set<string>();
  /** CA fingerprint → when our caBundle patches first held it (the rotation overlap counts from it). */
  const trusted = new Map<string, number>();
  /**
   * The CAs every caBundle held at this process's first read, before any patch of its own, and when:
   * they were trusted before it started (a restarted container; chooseServedPair).
   */
  let firstRead: { readonly at: number; readonly cas: ReadonlySet<string> } | undefined;

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
      log[level]({ step: plan.kind, reason: plan.reason, ...retirementFields(plan) }, STEP_LOGS[plan.kind]);
      for (const certificate of ROTATED[plan.kind]) metrics.rotations.inc({ certificate, reason: plan.kind });
    }
  };

  /** Warns once per problem with the retirement annotations; sets the retired-CA gauge. */
  const noteRetirement = (state: TlsSecretState) => {
    const request = state.retireRequest;
    for (const problem of [request && !request.ok ? request.problem : undefined, state.retiredProblem]) {
      if (problem === undefined || warned.has(problem)) continue;
      warned.add(problem);
      log.warn({ problem }, 'ignoring an unreadable retirement annotation on the webhook certificate Secret');
    }
    const pending = state.bundle.filter((c) => isRetired(state.retired, c.fingerprint256)).length;
    metrics.retiredCasTrusted.set(pending);
  };

  const checkTrust = caBundleTrust({
    observe: () => options.webhooks.observe(),
    trusted: options.trusted,
    log,
  });

  const confirmServed = async (serving: ServingInfo, cert: string, what: string) => {
    const wanted = serving.serialNumber.toUpperCase();
    if (served?.serial === wanted) return;
    let seen = 'nothing';
    for (let attempt = 0; attempt < confirm.attempts && !stopped; attempt += 1) {
      if (attempt > 0) await sleep(confirm.intervalMs);
      seen = await options.servedSerial().catch((err: unknown) => `error (${String(err)})`);
      if (seen === wanted) {
        served = { serial: wanted, notAfter: serving.notAfter, cert };
        log.info({ serialNumber: wanted, notAfter: new Date(serving.notAfter).toISOString() }, what);
        return;
      }
    }
    throw new AdmissionError(
      ADM_ERR.TLS_BOOTSTRAP,
      `the server still presents ${seen}, not the certificate ${wanted} written to ${options.files.certFile}`,
    );
  };

  const syncWebhooks = async (bundle: string): Promise<boolean> => {
    const stillCurrent = async () => (await options.currentBundle()) === bundle;
    const result = await options.webhooks.sync(Buffer.from(bundle, 'utf8').toString('base64'), stillCurrent);
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
    return !result.stale;
  };

  const readFirst = async () => {
    const observed = await options.webhooks.observe();
    return { at: clock.now(), cas: casInEveryBundle(observed) };
  };

  const noteTrusted = (fingerprints: readonly string[], retired: TlsSecretState['retired']) => {
    for (const fingerprint of [...trusted.keys()]) {
      if (fingerprints.includes(fingerprint)) continue;
      trusted.delete(fingerprint);
      if (isRetired(retired, fingerprint)) {
        log.info({ fingerprint }, 'the retired CA is out of every caBundle: it is never trusted again');
      }
    }
    for (const fingerprint of fingerprints)
      if (!trusted.has(fingerprint)) trusted.set(fingerprint, clock.now());
  };

  /**
   * Serves the Secret's pair, or keeps the one the files hold while the Secret's comes from a CA the
   * caBundles have not trusted for the overlap yet (chooseServedPair); returns the choice.
   */
  const servePair = async (
    state: TlsSecretState,
    bundle: string,
    pair: PemPair,
    serving: ServingInfo,
  ): Promise<ServedPairChoice> => {
    const files = await readServingPair(options.files);
    const held = files && inspectServingPair(files, bundle);
    const choice = chooseServedPair(state, held, options.policy, clock.now());
    if (choice.kind === 'held' && files && held?.ok) {
      if (holding !== held.value.serialNumber) {
        holding = held.value.serialNumber;
        log.info(
          {
            serialNumber: held.value.serialNumber.toUpperCase(),
            until: new Date(choice.until).toISOString(),
          },
          `keeping the served certificate: ${choice.reason}`,
        );
      }
      await confirmServed(held.value, files.cert, 'serving the certificate kept from before');
      return choice;
    }
    holding = undefined;
    await writeServingPair(options.files, pair);
    await confirmServed(serving, pair.cert, 'serving the certificate from the Secret');
    return choice;
  };

  /** One pass: settle, set the caBundles, serve; 'stale' when the Secret changed under the caBundle patch. */
  const pass = async (): Promise<number | 'stale'> => {
    const settled = await options.settle((fingerprint) => trusted.get(fingerprint));
    logSteps(settled.steps);
    noteRetirement(settled.state);
    const { material } = settled.stored;
    const { ca, serving } = settled.state;
    if (!ca.ok || !serving.ok || !material.cert || !material.key || !material.bundle) {
      throw new AdmissionError(ADM_ERR.TLS_BOOTSTRAP, 'the settled Secret lacks a usable pair (a bug)');
    }
    metrics.expiry.set({ certificate: 'ca' }, ca.value.notAfter / 1000);
    // What the caBundles held before this process patched any: evidence of a CA trusted before it.
    firstRead ??= await readFirst();
    // The caBundle first: the pair is served only once every webhook trusts its CA, so a patch that
    // fails leaves the previous (still trusted) pair in service.
    if (!(await syncWebhooks(material.bundle))) return 'stale';
    noteTrusted(
      settled.state.bundle.map((c) => c.fingerprint256),
      settled.state.retired,
    );
    const before = firstRead.cas.has(ca.value.fingerprint256) ? { caHeldAtFirstRead: firstRead.at } : {};
    const state = { ...settled.state, ...before };
    const pair = { cert: material.cert, key: material.key };
    const choice = await servePair(state, material.bundle, pair, serving.value);
    if (served) metrics.expiry.set({ certificate: 'serving' }, served.notAfter / 1000);
    return choice.kind === 'held' ? Math.min(settled.recheckAt, choice.until) : settled.recheckAt;
  };

  const runOnce = async (): Promise<number> => {
    for (let attempt = 1; ; attempt += 1) {
      const outcome = await pass();
      if (outcome !== 'stale') return outcome;
      if (attempt >= STALE_PASSES) {
        throw new AdmissionError(
          ADM_ERR.TLS_BOOTSTRAP,
          `the Secret changed under each of ${STALE_PASSES} caBundle updates; is another writer changing it?`,
        );
      }
      log.info('the Secret changed since it was read: reading it again before setting the caBundles');
    }
  };

  const run = async () => {
    try {
      const recheckAt = await runOnce();
      failures = 0;
      if (served) await checkTrust(served);
      report();
      schedule(Math.max(1000, Math.min(options.resyncMs, recheckAt - clock.now())));
    } catch (err) {
      if (stopped) return;
      failures += 1;
      metrics.syncErrors.inc();
      const retryInMs = Math.min(backoff.maxMs, backoff.initialMs * 2 ** (failures - 1));
      log.warn({ err, failures, retryInMs }, 'could not bring the webhook certificate up to date; retrying');
      if (served) await checkTrust(served);
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
