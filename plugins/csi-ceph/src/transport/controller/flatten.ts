/**
 * Durable flattening of the volumes made from a snapshot or a volume (RBD clone v2, see
 * volume-source.ts). A clone must lose its parent: until then the parent snapshot (a user's
 * VolumeSnapshot, or the clone's temporary `csi-clone-<uuid>`, both kept in the trash once removed)
 * cannot go away, and neither can the source volume.
 *
 * The mark: a journal volume record with `source` is a clone the driver wants flat; its image still
 * having a parent says the flatten is not done. The record (and its `source`) is written with the
 * reservation, BEFORE the clone exists, so no clone can exist unmarked, and no extra write (that a
 * crash could skip) is needed. The flatten itself is idempotent: an image with no parent is done.
 *
 * Who finishes it: the CreateVolume that made the clone starts the job below in the background; if the
 * process dies first, the next controller's resume scan (flatten-resume.ts: every ready record with a
 * source) finds it on start, and a repeated CreateVolume of that name starts it again. A reservation
 * that never became ready is the retried CreateVolume's to finish (it resumes, then flattens). A job
 * that fails for a reason waiting may cure (the pool full, Ceph unreachable) is started again by the
 * running driver with backoff (../flatten-retries.ts) until it succeeds, the volume is deleted, or
 * the driver stops. A full pool is seen in the OSD map's flags before the flatten opens the image for
 * writing (whose watch, like the copy-up, a full pool would hold until `--ceph-timeout`).
 *
 * Why in process (ADR 0018) and not the mgr's `rbd task add flatten` (rados_mgr_command), which would survive a
 * controller death by itself: the mgr task needs the rbd_support module and `mgr 'profile rbd'` caps
 * for every department's user, gives the driver no completion it can await (DeleteVolume settles on
 * the running flatten before removing the image) and no place to run the cleanup that follows (the
 * temporary snapshot); the journal already records which volumes are clones, so resuming in process is
 * one scan of data the driver has, and it is testable with a controller that stops before flattening.
 */
import type { ClusterEntry } from '../../decide/cluster-config.js';
import type { Credentials } from '../../decide/credentials.js';
import { failedFlattenOutcome } from '../../decide/flatten-retry.js';
import type { VolumeRecord } from '../../decide/journal-records.js';
import { isCsiError } from '../../errors.js';
import { flattenIfChild } from '../../effects/ceph/rbd-images.js';
import type { RadosConnection } from '../../effects/ceph/rados-connection.js';
import { openSpace } from '../../effects/volume-space.js';
import { imageKey } from '../background-jobs.js';
import { must } from '../request-checks.js';
import type { ControllerDeps } from './controller-deps.js';
import { explainHeld, poolRoom } from './pool-room.js';
import { dropCloneSnap, parseSource, type SourceRef } from './volume-source.js';

/** A clone volume: where its record and image live, and the credentials to reach them. */
export interface CloneVolume {
  readonly cluster: ClusterEntry;
  readonly creds: Credentials;
  readonly pool: string;
  readonly namespace: string;
  readonly uuid: string;
  readonly record: VolumeRecord;
}

/** The source a record names (`snapshot:<id>` / `volume:<id>`), or undefined for a plain volume. */
export function recordSource(record: VolumeRecord): SourceRef | undefined {
  const at = record.source?.indexOf(':') ?? -1;
  if (!record.source || at < 0) return undefined;
  const kind = record.source.slice(0, at);
  const id = record.source.slice(at + 1);
  try {
    if (kind === 'snapshot') return parseSource({ snapshot: { snapshot_id: id } });
    if (kind === 'volume') return parseSource({ volume: { volume_id: id } });
  } catch {
    // An ID this driver cannot have issued: nothing to clean up on a source.
  }
  return undefined;
}

/** What a full pool prevents, for its message. */
const noFlatten = (image: string) =>
  `clone ${image} cannot be flattened yet (it keeps its source busy; the driver tries again)`;

/** Throws CSI_ERR_POOL_FULL when the OSD map says `pool` is full (flags read for a second at most). */
async function mustHaveRoom(conn: RadosConnection, pool: string, image: string): Promise<void> {
  must(await poolRoom(conn, [pool], noFlatten(image)));
}

/**
 * Flattens the clone if it still has a parent, then removes the temporary snapshot of a volume source
 * in case the create died before doing so (removed already, or the source gone, is fine). Returns
 * whether a flatten ran. Once `stop()` is true (shutdown) a running flatten stops within about one
 * object's copy-up (FLATTEN_STOPPED); the clone keeps its parent and the next start resumes it. A
 * clone with a parent in a full pool is refused at once (POOL_FULL), and so is a flatten that a pool
 * filling meanwhile held until `--ceph-timeout`, instead of UNAVAILABLE.
 */
export async function finishClone(
  conn: RadosConnection,
  clone: CloneVolume,
  stop?: () => boolean,
): Promise<boolean> {
  const space = await openSpace(conn, clone.pool, clone.namespace);
  const image = clone.record.image;
  const flattened = await flattenIfChild(space.ioctx, image, stop, () =>
    mustHaveRoom(conn, clone.pool, image),
  ).catch(async (err: unknown) => {
    throw await explainHeld(err, conn, clone.pool, noFlatten(image));
  });
  const source = recordSource(clone.record);
  if (source) await dropCloneSnap(conn, source, clone.uuid);
  return flattened;
}

/**
 * Starts finishing `clone` in the background unless its job runs already (or the driver is stopping,
 * or the record names no source); returns whether it started. DeleteVolume settles on it by image key.
 * `then` hears whether a flatten ran, once the job succeeded; `failed` hears its failure (which is
 * also logged as every background failure is).
 */
export function startFinishClone(
  deps: ControllerDeps,
  clone: CloneVolume,
  then?: (flattened: boolean) => void,
  failed?: (err: unknown) => void,
): boolean {
  if (!clone.record.source) return false;
  return startFlattenJob(deps, clone, then, failed);
}

/**
 * As startFinishClone, for any image that may have a parent (CreateSnapshot flattens whatever clone it
 * is asked to snapshot, snapshot-flatten.ts, also one whose record names no source). A failure that
 * waiting may cure is tried again later (deps.flattenRetries, which logs it); any other is told to
 * onBackgroundError. How the job ended (done, retrying, failed, stopped) is told to deps.flattenMetrics.
 */
export function startFlattenJob(
  deps: ControllerDeps,
  clone: CloneVolume,
  then?: (flattened: boolean) => void,
  failed?: (err: unknown) => void,
): boolean {
  const key = imageKey(clone.pool, clone.namespace, clone.record.image);
  const retry = () => startFlattenJob(deps, clone);
  return deps.jobs.start(
    key,
    async () => {
      const stop = () => deps.jobs.draining;
      const flattened = await deps.pool.with(clone.cluster, clone.creds, (conn) =>
        finishClone(conn, clone, stop),
      );
      deps.flattenRetries?.succeeded(key);
      deps.flattenMetrics?.ended('done');
      then?.(flattened);
    },
    (err) => {
      const retrying = deps.flattenRetries?.failed(key, err, retry) ?? false;
      const outcome = failedFlattenOutcome(isCsiError(err) ? { code: err.code } : {}, retrying);
      deps.flattenMetrics?.ended(outcome);
      if (outcome === 'stopped') deps.onBackgroundStopped?.(clone.record.image);
      else if (outcome === 'failed') deps.onBackgroundError?.(err, `flatten ${clone.record.image}`);
      failed?.(err);
    },
  );
}

/** How a flatten run as the caller's own job ended (flattenAsOwnJob). */
export type OwnFlatten =
  | { readonly status: 'done'; readonly flattened: boolean }
  | { readonly status: 'failed'; readonly err: unknown }
  /** The driver is stopping: no job started, none runs. */
  | { readonly status: 'stopped' }
  /** The caller stopped waiting, or only other calls' jobs ran, round after round. */
  | { readonly status: 'gave-up' };

export interface OwnFlattenOptions {
  /** Settles on a job; false when the caller stopped waiting first. Default: wait for it. */
  readonly wait?: (job: Promise<void>) => Promise<boolean>;
  /** After another call's job: is the work done already? Default: find out with a job of our own. */
  readonly doneAfterJoin?: () => Promise<boolean>;
}

/** Jobs of other calls waited out before flattenAsOwnJob gives up. */
const JOIN_ROUNDS = 3;

/**
 * Runs `start` (startFinishClone or startFlattenJob) for `clone` as the caller's own job and waits for
 * it. A job another call started for the image is waited out first and then, unless `doneAfterJoin`
 * says the work is done, the image is looked at again with a job of the caller's own: a joined job
 * tells only its own caller how it ended. Gives up after JOIN_ROUNDS joined jobs.
 */
export async function flattenAsOwnJob(
  deps: ControllerDeps,
  clone: CloneVolume,
  start: typeof startFlattenJob,
  options: OwnFlattenOptions = {},
): Promise<OwnFlatten> {
  const key = imageKey(clone.pool, clone.namespace, clone.record.image);
  const wait = options.wait ?? ((job: Promise<void>) => job.then(() => true));
  for (let round = 0; round < JOIN_ROUNDS; round++) {
    let outcome: OwnFlatten | undefined;
    const started = start(
      deps,
      clone,
      (flattened) => (outcome = { status: 'done', flattened }),
      (err) => (outcome = { status: 'failed', err }),
    );
    if (!started && !deps.jobs.isRunning(key)) return { status: 'stopped' };
    if (!(await wait(deps.jobs.settle(key)))) return { status: 'gave-up' };
    if (started) return outcome ?? { status: 'failed', err: new Error('the flatten job ended unreported') };
    if (await options.doneAfterJoin?.()) return { status: 'done', flattened: false };
  }
  return { status: 'gave-up' };
}
