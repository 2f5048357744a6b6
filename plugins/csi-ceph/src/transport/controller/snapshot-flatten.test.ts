// The rounds of flattenBeforeSnapshot (join or start the image's flatten job, look again after a
// joined job) with the image calls faked: `image.parent` is what librbd would say, and `flatten`
// is what the job's flatten does. The real-Ceph cases are in test/integration/csi/snapshot-of-clone.
import type { VolumeRecord } from '../../decide/journal-records.js';
import { CSI_ERR, csiError } from '../../errors.js';
import type { FoundVolume } from './volume-lookup.js';
import { BackgroundJobs, imageKey } from '../background-jobs.js';
import type { ControllerDeps } from './controller-deps.js';
import { flattenBeforeSnapshot } from './snapshot-flatten.js';

const image = vi.hoisted(() => ({
  parent: true,
  features: 1n,
  flatten: (): Promise<boolean> => Promise.resolve(true),
}));

vi.mock('../../effects/ceph/rbd-images.js', () => ({
  withImage: (_ioctx: unknown, _name: string, fn: (open: unknown) => Promise<unknown>) => fn({}),
  parentOf: async () => (image.parent ? { pool: 'rbd', image: 'src', snap: 's' } : undefined),
  imageLayout: async () => ({ bytes: 1n, features: image.features, objectBytes: 1n }),
  flattenIfChild: () => image.flatten(),
}));
vi.mock('../../effects/volume-space.js', () => ({
  openSpace: async (_conn: unknown, pool: string, namespace: string) => ({ pool, namespace, ioctx: {} }),
}));

const record: VolumeRecord = {
  name: 'pvc-clone',
  image: 'csi-vol-1',
  bytes: '1',
  fingerprint: 'f',
  state: 'ready',
};
const found = {
  ref: { clusterID: 'c1', pool: 'rbd', namespace: 'ns', uuid: 'u1' },
  space: { pool: 'rbd', namespace: 'ns', ioctx: {} },
  record,
  conn: {},
} as unknown as FoundVolume;
const creds = { userID: 'csi', userKey: 'k' };
const KEY = imageKey('rbd', 'ns', 'csi-vol-1');

function depsWith(jobs: BackgroundJobs): ControllerDeps {
  return {
    clusters: new Map([['c1', { clusterID: 'c1', monitors: ['m'], radosNamespace: '', pools: ['rbd'] }]]),
    pool: { with: (_c: unknown, _k: unknown, fn: (conn: unknown) => Promise<unknown>) => fn({}) },
    locks: {},
    jobs,
    onBackgroundError: () => undefined,
  } as unknown as ControllerDeps;
}

/** A job for the image that someone else started, settling when told. */
function othersJob(jobs: BackgroundJobs) {
  let finish!: (err?: Error) => void;
  jobs.start(
    KEY,
    () => new Promise<void>((resolve, reject) => (finish = (err) => (err ? reject(err) : resolve()))),
    () => undefined,
  );
  return (err?: Error) => finish(err);
}

beforeEach(() => {
  image.parent = true;
  image.features = 1n;
  image.flatten = async () => {
    image.parent = false;
    return true;
  };
});

describe('flattenBeforeSnapshot', () => {
  it('given an image without a parent, or with deep-flatten, returns at once and starts no job', async () => {
    const jobs = new BackgroundJobs();
    image.parent = false;
    await flattenBeforeSnapshot(depsWith(jobs), found, creds);
    image.parent = true;
    image.features = 1n | 32n;
    await flattenBeforeSnapshot(depsWith(jobs), found, creds);
    expect(jobs.isRunning(KEY)).toBe(false);
  });

  it('given no job running, starts one, waits for it, and returns with the image flat', async () => {
    await flattenBeforeSnapshot(depsWith(new BackgroundJobs()), found, creds);
    expect(image.parent).toBe(false);
  });

  it('given its own job failing, throws that failure', async () => {
    image.flatten = () => Promise.reject(csiError(CSI_ERR.CEPH, 'rbd_flatten failed'));
    await expect(flattenBeforeSnapshot(depsWith(new BackgroundJobs()), found, creds)).rejects.toMatchObject({
      code: CSI_ERR.CEPH,
    });
  });

  it('given a joined job that failed, starts its own and succeeds', async () => {
    const jobs = new BackgroundJobs();
    const finish = othersJob(jobs);
    const done = flattenBeforeSnapshot(depsWith(jobs), found, creds);
    await new Promise((resolve) => setImmediate(resolve));
    expect(image.parent).toBe(true); // still waiting on the joined job
    finish(new Error('the other caller’s flatten failed'));
    await done;
    expect(image.parent).toBe(false);
  });

  it('given the signal aborting while it waits, answers CLONE_FLATTENING; the job goes on', async () => {
    const jobs = new BackgroundJobs();
    const finish = othersJob(jobs);
    const controller = new AbortController();
    const done = flattenBeforeSnapshot(depsWith(jobs), found, creds, () => controller.signal);
    await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    await expect(done).rejects.toMatchObject({ code: CSI_ERR.CLONE_FLATTENING });
    expect(jobs.isRunning(KEY)).toBe(true);
    finish();
    await jobs.settle(KEY);
  });

  it('given the jobs draining, answers FLATTEN_STOPPED', async () => {
    const jobs = new BackgroundJobs();
    await jobs.drain();
    await expect(flattenBeforeSnapshot(depsWith(jobs), found, creds)).rejects.toMatchObject({
      code: CSI_ERR.FLATTEN_STOPPED,
    });
  });
});
