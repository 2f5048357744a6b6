/**
 * The resume scan (why and what: flatten.ts's header): on controller start, with the controller's
 * own credentials (--keyring), walk the journal of every (cluster, pool, namespace) the driver knows
 * and finish every ready clone volume whose image still has a parent, one at a time, each as that
 * image's background job (so DeleteVolume waits for it). Runs in the background. A scan that fails
 * (it threw, e.g. Ceph unreachable at start, or some space or clone failed) is run again after a
 * capped backoff (5 s doubling to 5 minutes, decide/backoff.ts) until one full scan succeeds. A
 * shutdown stops it between clones and cuts the wait short (the next start finds the rest). Without
 * --keyring there is no scan: such clones are finished when their CreateVolume is repeated.
 */
import type { Logger } from '@corral/runtime';
import { RESUME_BACKOFF, retryDelayMs, type Backoff } from '../../decide/backoff.js';
import type { Credentials } from '../../decide/credentials.js';
import type { ControllerDeps } from './controller-deps.js';
import { flattenAsOwnJob, startFinishClone, type CloneVolume } from './flatten.js';
import { forEachSpace } from './listing.js';

/** The background job key of the scan itself. */
export const RESUME_KEY = 'flatten-resume';

export interface ResumeReport {
  /** Ready clone volumes found in the journals. */
  readonly clones: number;
  /** Of those, how many still had a parent and were flattened now. */
  readonly flattened: number;
  /** Spaces or clones that failed (told to onBackgroundError; the scan runs again later). */
  readonly failed: number;
}

/** Lists every ready clone volume the controller's credentials can see; a space that fails is skipped. */
async function clonesToCheck(
  deps: ControllerDeps,
  creds: Credentials,
  onFailure: (err: unknown, what: string) => void,
): Promise<CloneVolume[]> {
  const clones: CloneVolume[] = [];
  await forEachSpace(deps, creds, async (cluster, space) => {
    const where = `${cluster.clusterID}/${space.pool}/${space.namespace}`;
    const volumes = await space.journal.listVolumes('', 100_000).catch((err: unknown) => {
      onFailure(err, `flatten resume: journal of ${where}`);
      return [];
    });
    for (const { uuid, record } of volumes) {
      if (record.source)
        clones.push({ cluster, creds, pool: space.pool, namespace: space.namespace, uuid, record });
    }
  });
  return clones;
}

type CloneOutcome = 'flattened' | 'flat' | 'failed' | 'stopped';

/**
 * Finishes one clone as a job of the scan's own (flattenAsOwnJob): a job another call runs (a repeated
 * CreateVolume, a CreateSnapshot of the clone) is waited for first, and one that left the clone with
 * its parent counts as failed here too, so the scan runs again.
 */
async function finishOne(deps: ControllerDeps, clone: CloneVolume): Promise<CloneOutcome> {
  const outcome = await flattenAsOwnJob(deps, clone, startFinishClone);
  if (outcome.status === 'stopped') return 'stopped';
  if (outcome.status !== 'done') return 'failed';
  return outcome.flattened ? 'flattened' : 'flat';
}

/** Runs the scan now (awaitable: tests, and the job below). */
export async function resumeFlattens(deps: ControllerDeps, creds: Credentials): Promise<ResumeReport> {
  let failed = 0;
  const onFailure = (err: unknown, what: string) => {
    failed++;
    deps.onBackgroundError?.(err, what);
  };
  const clones = await clonesToCheck(deps, creds, onFailure);
  let flattened = 0;
  for (const clone of clones) {
    if (deps.jobs.draining) break;
    const outcome = await finishOne(deps, clone);
    if (outcome === 'flattened') flattened++;
    else if (outcome === 'failed') failed++;
  }
  return { clones: clones.length, flattened, failed };
}

export interface ResumeOptions {
  /** The scan (a seam for tests; default resumeFlattens). */
  readonly scan?: (deps: ControllerDeps, creds: Credentials) => Promise<ResumeReport>;
  readonly backoff?: Backoff;
}

/** One scan; undefined when it threw (told to onBackgroundError). */
async function scanOnce(
  deps: ControllerDeps,
  creds: Credentials,
  scan: NonNullable<ResumeOptions['scan']>,
): Promise<ResumeReport | undefined> {
  try {
    return await scan(deps, creds);
  } catch (err) {
    deps.onBackgroundError?.(err, 'flatten resume scan');
    return undefined;
  }
}

/** Scans until one scan finds nothing failed, waiting the backoff between scans; stops at shutdown. */
async function scanUntilComplete(
  deps: ControllerDeps,
  creds: Credentials,
  log: Logger,
  options: ResumeOptions,
): Promise<void> {
  const scan = options.scan ?? resumeFlattens;
  for (let failures = 1; !deps.jobs.draining; failures++) {
    const report = await scanOnce(deps, creds, scan);
    if (report) log.info({ ...report }, 'flatten resume scan done');
    if (report?.failed === 0 || deps.jobs.draining) return;
    const delayMs = retryDelayMs(failures, options.backoff ?? RESUME_BACKOFF);
    log.warn({ failures, delayMs }, 'flatten resume scan incomplete: scanning again later');
    if (!(await deps.jobs.pause(delayMs))) return;
  }
}

/**
 * Starts the scan (and its retries) in the background when the controller has its own credentials;
 * logs the outcome of every scan. Returns whether it started.
 */
export function startFlattenResume(deps: ControllerDeps, log: Logger, options: ResumeOptions = {}): boolean {
  const creds = deps.controllerCredentials;
  if (!creds) {
    log.info('no --keyring: clones an earlier controller left unflattened wait for a repeated CreateVolume');
    return false;
  }
  return deps.jobs.start(
    RESUME_KEY,
    () => scanUntilComplete(deps, creds, log, options),
    (err) => deps.onBackgroundError?.(err, 'flatten resume scan'),
  );
}
