// A clone's background flatten on a full pool, with the Ceph calls faked: the pool's flags refuse it
// before the image is opened for writing, the running driver tries again (flatten-retries.ts), and a
// flatten held until --ceph-timeout while the pool is full is told as POOL_FULL. The real-Ceph cases
// are in test/integration/csi/flatten-retry.test.ts.
import { createLogger, createMetrics, memoryDestination } from '@corral/runtime';
import type { PoolFullness } from '../../decide/pool-room.js';
import type { VolumeRecord } from '../../decide/journal-records.js';
import { CSI_ERR, csiError } from '../../errors.js';
import { BackgroundJobs, imageKey } from '../background-jobs.js';
import { createCsiMetrics, type FlattenMetrics } from '../csi-metrics.js';
import { FlattenRetries } from '../flatten-retries.js';
import type { ControllerDeps } from './controller-deps.js';
import { startFlattenJob, type CloneVolume } from './flatten.js';

const ceph = vi.hoisted(() => ({
  full: true,
  /** rbd_flatten calls (the read-write part). */
  flattens: 0,
  /** What the read-write part throws, when set. */
  held: undefined as Error | undefined,
}));

vi.mock('../../effects/ceph/rbd-images.js', () => ({
  flattenIfChild: async (_ioctx: unknown, _name: string, _stop: unknown, ready?: () => Promise<void>) => {
    await ready?.();
    ceph.flattens++;
    if (ceph.held) throw ceph.held;
    return true;
  },
}));
vi.mock('../../effects/volume-space.js', () => ({
  openSpace: async (_conn: unknown, pool: string, namespace: string) => ({ pool, namespace, ioctx: {} }),
}));
vi.mock('../../effects/ceph/pool-flags.js', () => {
  const read = async (): Promise<ReadonlyMap<string, PoolFullness>> =>
    new Map([
      ['rbd', { full: ceph.full, fullQuota: ceph.full, quotaMaxBytes: 4_194_304n, quotaMaxObjects: 0n }],
    ]);
  return { poolFullness: read, poolFullnessNow: read };
});

const record: VolumeRecord = {
  name: 'pvc-clone',
  image: 'csi-vol-1',
  bytes: '1',
  fingerprint: 'f',
  state: 'ready',
};
const clone = {
  cluster: { clusterID: 'c1', monitors: ['m'] },
  creds: { userID: 'csi', userKey: 'k' },
  pool: 'rbd',
  namespace: '',
  uuid: 'u1',
  record,
} as unknown as CloneVolume;
const KEY = imageKey('rbd', '', 'csi-vol-1');

function depsWith(
  jobs: BackgroundJobs,
  retries: FlattenRetries | undefined,
  errors: string[],
  flattenMetrics?: FlattenMetrics,
): ControllerDeps {
  return {
    clusters: new Map(),
    pool: { with: (_c: unknown, _k: unknown, fn: (conn: unknown) => Promise<unknown>) => fn({}) },
    locks: {},
    jobs,
    ...(retries ? { flattenRetries: retries } : {}),
    ...(flattenMetrics ? { flattenMetrics } : {}),
    onBackgroundError: (err: unknown) => errors.push((err as { code: string }).code),
  } as unknown as ControllerDeps;
}

beforeEach(() => {
  ceph.full = true;
  ceph.flattens = 0;
  ceph.held = undefined;
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('startFlattenJob on a full pool', () => {
  it('given the pool full, refuses before the flatten opens the image, and retries until there is room', async () => {
    const jobs = new BackgroundJobs();
    const logs = memoryDestination();
    const retries = new FlattenRetries({
      jobs,
      log: createLogger({ level: 'info', name: 't', destination: logs.stream }),
      random: () => 0.5,
    });
    const errors: string[] = [];
    const outcomes: string[] = [];
    startFlattenJob(
      depsWith(jobs, retries, errors),
      clone,
      () => outcomes.push('done'),
      (err) => outcomes.push((err as { code: string }).code),
    );
    await vi.advanceTimersByTimeAsync(0);
    expect(outcomes).toEqual([CSI_ERR.POOL_FULL]);
    expect(ceph.flattens).toBe(0);
    expect(errors).toEqual([]); // retried, so logged by the retries rather than as a failure
    const first = logs.lines.find((l) => l['msg'] === 'flatten failed: retrying later');
    expect(first).toMatchObject({ level: 'warn', image: KEY, reason: 'pool-full', attempt: 1 });
    expect(JSON.stringify(first)).toContain('pool \\"rbd\\" is at its quota (max_bytes 4194304)');
    expect(JSON.stringify(logs.lines)).not.toContain('"k"');
    await vi.advanceTimersByTimeAsync(3_000); // attempts 2 and 3, still full
    expect(ceph.flattens).toBe(0);
    ceph.full = false;
    await vi.advanceTimersByTimeAsync(4_000);
    expect(ceph.flattens).toBe(1);
    expect(retries.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('given a flatten held until --ceph-timeout (errno 110) while the pool is full, tells POOL_FULL', async () => {
    ceph.held = csiError(CSI_ERR.CEPH_UNAVAILABLE, 'rbd_flatten csi-vol-1: errno 110', {
      details: { op: 'rbd_flatten', errno: 110 },
    });
    const jobs = new BackgroundJobs();
    const errors: string[] = [];
    const failures: unknown[] = [];
    // The pool had room when the flatten started, and was full by the time it gave up.
    ceph.full = false;
    startFlattenJob(depsWith(jobs, undefined, errors), clone, undefined, (err) => failures.push(err));
    ceph.full = true;
    await vi.advanceTimersByTimeAsync(0);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ code: CSI_ERR.POOL_FULL });
    expect((failures[0] as Error).message).toContain('clone csi-vol-1 cannot be flattened yet');
    expect(errors).toEqual([CSI_ERR.POOL_FULL]); // without retries: reported as before
  });

  it('given a failure waiting does not cure, reports it and does not retry', async () => {
    ceph.full = false;
    ceph.held = csiError(CSI_ERR.CEPH_FORBIDDEN, 'rbd_flatten csi-vol-1: errno 1');
    const jobs = new BackgroundJobs();
    const retries = new FlattenRetries({ jobs, log: createLogger({ level: 'silent', name: 't' }) });
    const errors: string[] = [];
    startFlattenJob(depsWith(jobs, retries, errors), clone);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(errors).toEqual([CSI_ERR.CEPH_FORBIDDEN]);
    expect(ceph.flattens).toBe(1);
    expect(retries.size).toBe(0);
  });
});

describe('startFlattenJob and the flatten metrics', () => {
  /** The controller's metrics on a registry of their own, and their values by name and outcome. */
  function controllerMetrics() {
    const metrics = createMetrics({ service: 'csi-controller', processMetrics: false });
    const flatten = createCsiMetrics(metrics).flatten as FlattenMetrics;
    const read = async (name: string) => (await metrics.registry.getSingleMetric(name)?.get())?.values ?? [];
    return {
      flatten,
      outcomes: async () =>
        Object.fromEntries(
          (await read('corral_csi_background_flattens_total')).map((v) => [v.labels['outcome'], v.value]),
        ),
      waiting: async () => (await read('corral_csi_flatten_retries_waiting'))[0]?.value,
    };
  }

  function retriesFor(jobs: BackgroundJobs, flatten: FlattenMetrics): FlattenRetries {
    const log = createLogger({ level: 'silent', name: 't' });
    return new FlattenRetries({ jobs, log, random: () => 0.5, metrics: flatten });
  }

  it('given a full pool until room is made, counts each refused attempt as retrying, then one done', async () => {
    const jobs = new BackgroundJobs();
    const m = controllerMetrics();
    expect(await m.outcomes()).toEqual({ done: 0, retrying: 0, failed: 0, stopped: 0 });
    startFlattenJob(depsWith(jobs, retriesFor(jobs, m.flatten), [], m.flatten), clone);
    await vi.advanceTimersByTimeAsync(3_000); // attempts 1, 2 (1 s) and 3 (3 s), all refused
    expect(await m.outcomes()).toEqual({ done: 0, retrying: 3, failed: 0, stopped: 0 });
    expect(await m.waiting()).toBe(1);
    ceph.full = false;
    await vi.advanceTimersByTimeAsync(4_000);
    expect(ceph.flattens).toBe(1);
    expect(await m.outcomes()).toEqual({ done: 1, retrying: 3, failed: 0, stopped: 0 });
    expect(await m.waiting()).toBe(0);
  });

  it('given a failure waiting does not cure, counts it failed and none waiting', async () => {
    ceph.full = false;
    ceph.held = csiError(CSI_ERR.CEPH_FORBIDDEN, 'rbd_flatten csi-vol-1: errno 1');
    const jobs = new BackgroundJobs();
    const m = controllerMetrics();
    const errors: string[] = [];
    startFlattenJob(depsWith(jobs, retriesFor(jobs, m.flatten), errors, m.flatten), clone);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(errors).toEqual([CSI_ERR.CEPH_FORBIDDEN]);
    expect(await m.outcomes()).toEqual({ done: 0, retrying: 0, failed: 1, stopped: 0 });
    expect(await m.waiting()).toBe(0);
  });

  it('given a full pool and no retries, counts it failed (left to the next start)', async () => {
    const jobs = new BackgroundJobs();
    const m = controllerMetrics();
    startFlattenJob(depsWith(jobs, undefined, [], m.flatten), clone);
    await vi.advanceTimersByTimeAsync(0);
    expect(await m.outcomes()).toEqual({ done: 0, retrying: 0, failed: 1, stopped: 0 });
  });

  it('given a flatten the shutdown stopped, counts it stopped, not failed', async () => {
    ceph.full = false;
    ceph.held = csiError(CSI_ERR.FLATTEN_STOPPED, 'flatten of csi-vol-1 stopped: the driver is stopping');
    const jobs = new BackgroundJobs();
    const m = controllerMetrics();
    const errors: string[] = [];
    const stopped: string[] = [];
    const deps = {
      ...depsWith(jobs, retriesFor(jobs, m.flatten), errors, m.flatten),
      onBackgroundStopped: (image: string) => stopped.push(image),
    };
    startFlattenJob(deps, clone);
    await vi.advanceTimersByTimeAsync(0);
    expect(stopped).toEqual(['csi-vol-1']);
    expect(errors).toEqual([]);
    expect(await m.outcomes()).toEqual({ done: 0, retrying: 0, failed: 0, stopped: 1 });
    expect(await m.waiting()).toBe(0);
  });
});
