// A clone's background flatten on a full pool, with the Ceph calls faked: the pool's flags refuse it
// before the image is opened for writing, the running driver tries again (flatten-retries.ts), and a
// flatten held until --ceph-timeout while the pool is full is told as POOL_FULL. The real-Ceph cases
// are in test/integration/csi/flatten-retry.test.ts.
import { createLogger, memoryDestination } from '@corral/runtime';
import type { PoolFullness } from '../../decide/pool-room.js';
import type { VolumeRecord } from '../../decide/journal-records.js';
import { CSI_ERR, csiError } from '../../errors.js';
import { BackgroundJobs, imageKey } from '../background-jobs.js';
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
): ControllerDeps {
  return {
    clusters: new Map(),
    pool: { with: (_c: unknown, _k: unknown, fn: (conn: unknown) => Promise<unknown>) => fn({}) },
    locks: {},
    jobs,
    ...(retries ? { flattenRetries: retries } : {}),
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
