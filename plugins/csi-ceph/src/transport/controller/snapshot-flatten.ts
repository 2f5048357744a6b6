/**
 * CreateSnapshot of a clone whose flatten has not finished. Without `deep-flatten` an RBD snapshot cut
 * while the image still has a parent keeps a link to that parent after the image is flattened, so the
 * clone's source volume would stay undeletable (FAILED_PRECONDITION) for as long as the snapshot
 * lives (decide/snapshot-flatten.ts says when a flatten must come first). So the flatten is finished
 * first, through the clone's background job (flatten.ts: one job per image, awaited by DeleteVolume,
 * stopped by shutdown): the call joins the job running for the image, or starts it, and waits.
 *
 * A caller that gives up first (cancel, or its deadline near: call-signal.ts) is answered ABORTED
 * (CLONE_FLATTENING), which the csi-snapshotter retries: the flatten goes on in the background and the
 * retry waits for it again. Nothing was made by then (no RBD snapshot, no reservation). A shutdown
 * stops the flatten: UNAVAILABLE (FLATTEN_STOPPED), retried too, and the next start resumes it.
 */
import type { Credentials } from '../../decide/credentials.js';
import { mustFlattenBeforeSnapshot } from '../../decide/snapshot-flatten.js';
import { CSI_ERR, csiError } from '../../errors.js';
import { imageLayout, parentOf, withImage } from '../../effects/ceph/rbd-images.js';
import { clusterOf, type ControllerDeps } from './controller-deps.js';
import { flattenAsOwnJob, startFlattenJob, type CloneVolume } from './flatten.js';
import type { FoundVolume } from './volume-lookup.js';

/** Does the image still have a parent that a snapshot cut now would keep? (read-only open) */
async function needsFlatten(ioctx: unknown, image: string): Promise<boolean> {
  return withImage(
    ioctx,
    image,
    async (open) => {
      const parent = await parentOf(open, image);
      if (!parent) return false;
      return mustFlattenBeforeSnapshot(true, (await imageLayout(open, image)).features);
    },
    null,
    true,
  );
}

/** Resolves true once `job` settled, false as soon as `signal` aborts (at once if it has). */
function settledUnlessAborted(job: Promise<void>, signal: AbortSignal | undefined): Promise<boolean> {
  if (!signal) return job.then(() => true);
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const aborted = () => resolve(false);
    signal.addEventListener('abort', aborted, { once: true });
    void job.then(() => {
      signal.removeEventListener('abort', aborted);
      resolve(true);
    });
  });
}

const stillFlattening = (image: string) =>
  csiError(
    CSI_ERR.CLONE_FLATTENING,
    `volume image ${image} is a clone still being flattened, and a snapshot cut now would keep its ` +
      'source volume busy: the flatten goes on in the background; retry',
  );

const stopping = (image: string) =>
  csiError(
    CSI_ERR.FLATTEN_STOPPED,
    `the driver is stopping before clone ${image} was flattened: retry (the next start finishes it)`,
  );

/**
 * Finishes the flatten of the snapshot's source volume first when it needs one (see the header);
 * returns once the image has no parent a snapshot would keep. The call's end (`endSignal`) is asked
 * for only when there is a flatten to wait on.
 */
export async function flattenBeforeSnapshot(
  deps: ControllerDeps,
  found: FoundVolume,
  creds: Credentials,
  endSignal?: () => AbortSignal,
): Promise<void> {
  const { space, record, ref } = found;
  if (!(await needsFlatten(space.ioctx, record.image))) return;
  const clone: CloneVolume = {
    cluster: clusterOf(deps, ref.clusterID),
    creds,
    pool: space.pool,
    namespace: space.namespace,
    uuid: ref.uuid,
    record,
  };
  const outcome = await flattenAsOwnJob(deps, clone, startFlattenJob, {
    wait: (job) => settledUnlessAborted(job, endSignal?.()),
    // A joined job may have failed (it told its own caller): look at the image again.
    doneAfterJoin: async () => !(await needsFlatten(space.ioctx, record.image)),
  });
  if (outcome.status === 'done') return;
  if (outcome.status === 'failed') throw outcome.err;
  throw outcome.status === 'stopped' ? stopping(record.image) : stillFlattening(record.image);
}
