// The retry set's timers, with fake timers and a real BackgroundJobs: when a retry starts, that one
// timer per image is kept, and that success, cancel, shutdown and the bound end or refuse retries.
import { createLogger, createMetrics, memoryDestination, type MemoryDestination } from '@corral/runtime';
import { FLATTEN_RETRY } from '../decide/flatten-retry.js';
import { CSI_ERR, csiError } from '../errors.js';
import { BackgroundJobs, imageKey } from './background-jobs.js';
import { createCsiMetrics } from './csi-metrics.js';
import { FlattenRetries } from './flatten-retries.js';

const KEY = imageKey('rbd', 'ns', 'csi-vol-1');
const full = () => csiError(CSI_ERR.POOL_FULL, 'pool "rbd" is at its quota');
const policy = { ...FLATTEN_RETRY, jitter: 0 };

let logs: MemoryDestination;
let jobs: BackgroundJobs;
let retries: FlattenRetries;

beforeEach(() => {
  vi.useFakeTimers();
  logs = memoryDestination();
  jobs = new BackgroundJobs();
  const log = createLogger({ level: 'debug', name: 't', destination: logs.stream });
  retries = new FlattenRetries({ jobs, log, policy });
});
afterEach(() => {
  vi.useRealTimers();
});

const lines = (msg: string) => logs.lines.filter((l) => l['msg'] === msg);

/** A flatten job for KEY that fails with `err` (or succeeds), reporting to the retries as flatten.ts does. */
function flattenJob(outcome: () => Error | undefined, runs: { count: number }): () => boolean {
  const start = (): boolean =>
    jobs.start(
      KEY,
      async () => {
        runs.count++;
        await Promise.resolve();
        const err = outcome();
        if (err) throw err;
        retries.succeeded(KEY);
      },
      (err) => void retries.failed(KEY, err, start),
    );
  return start;
}

describe('FlattenRetries', () => {
  it('given a full pool, tries again after 1 s, 2 s, 4 s …, and stops once the flatten succeeds', async () => {
    let room = false;
    const runs = { count: 0 };
    flattenJob(() => (room ? undefined : full()), runs)();
    await vi.advanceTimersByTimeAsync(0);
    expect(runs.count).toBe(1);
    expect(retries.isWaiting(KEY)).toBe(true);
    await vi.advanceTimersByTimeAsync(999);
    expect(runs.count).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(runs.count).toBe(2);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(runs.count).toBe(3);
    room = true;
    await vi.advanceTimersByTimeAsync(4_000);
    expect(runs.count).toBe(4);
    expect(retries.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
    const retrying = lines('flatten failed: retrying later');
    expect(retrying.map((l) => [l['level'], l['attempt'], l['delayMs'], l['reason']])).toEqual([
      ['warn', 1, 1_000, 'pool-full'],
      ['info', 2, 2_000, 'pool-full'],
      ['info', 3, 4_000, 'pool-full'],
    ]);
    expect(retrying[0]?.['image']).toBe(KEY);
    expect(lines('flatten done after retries').map((l) => l['attempts'])).toEqual([4]);
  });

  it('given failures for ever, never waits more than a minute between attempts', async () => {
    const runs = { count: 0 };
    flattenJob(full, runs)();
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    const delays = lines('flatten failed: retrying later').map((l) => l['delayMs']);
    expect(Math.max(...(delays as number[]))).toBe(60_000);
    expect(runs.count).toBe(delays.length);
    expect(vi.getTimerCount()).toBe(1);
  });

  it('given a failure waiting does not cure, does not retry and reports it to the caller', async () => {
    const forbidden = csiError(CSI_ERR.CEPH_FORBIDDEN, 'no caps');
    expect(retries.failed(KEY, forbidden, () => true)).toBe(false);
    expect(retries.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('given a retry waiting and then a failure waiting does not cure, forgets the image', () => {
    retries.failed(KEY, full(), () => true);
    expect(retries.failed(KEY, csiError(CSI_ERR.CEPH, 'errno 5'), () => true)).toBe(false);
    expect(retries.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('given a second failure of an image already waiting, keeps one timer for it', () => {
    retries.failed(KEY, full(), () => true);
    retries.failed(KEY, full(), () => true);
    expect(retries.size).toBe(1);
    expect(vi.getTimerCount()).toBe(1);
  });

  it('given DeleteVolume cancels, starts no retry and logs the cancel once', async () => {
    const rerun = vi.fn(() => true);
    retries.failed(KEY, full(), rerun);
    expect(retries.cancel(KEY)).toBe(true);
    expect(retries.cancel(KEY)).toBe(false);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(rerun).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
    expect(lines('flatten retry cancelled: volume deleted').map((l) => l['image'])).toEqual([KEY]);
  });

  it('given a job for the image running when the retry is due, starts no second one; its end reports', async () => {
    let release!: () => void;
    jobs.start(
      KEY,
      () => new Promise<void>((resolve) => (release = resolve)),
      () => undefined,
    );
    const runs = { count: 0 };
    const start = flattenJob(full, runs);
    retries.failed(KEY, full(), start);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(runs.count).toBe(0); // the running job was left alone
    expect(retries.isWaiting(KEY)).toBe(true);
    retries.succeeded(KEY); // that job succeeded
    release();
    await vi.advanceTimersByTimeAsync(120_000);
    expect(runs.count).toBe(0);
    expect(retries.size).toBe(0);
  });

  it('given a shutdown, clears every timer and refuses new retries', async () => {
    const rerun = vi.fn(() => true);
    retries.failed(KEY, full(), rerun);
    retries.failed(imageKey('rbd', 'ns', 'csi-vol-2'), full(), rerun);
    await jobs.drain();
    expect(vi.getTimerCount()).toBe(0);
    expect(retries.size).toBe(0);
    expect(lines('flatten retries stopped by shutdown: resumed at next start')[0]?.['pending']).toBe(2);
    expect(retries.failed(KEY, full(), rerun)).toBe(false);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(rerun).not.toHaveBeenCalled();
  });

  it('given a retry due after the drain began, starts nothing', async () => {
    const rerun = vi.fn(() =>
      jobs.start(
        KEY,
        async () => undefined,
        () => undefined,
      ),
    );
    retries.failed(KEY, full(), rerun);
    void jobs.drain();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(rerun).not.toHaveBeenCalled();
  });

  it('given the set full, refuses a new image (warns) but keeps retrying those waiting', () => {
    const small = new FlattenRetries({
      jobs,
      log: createLogger({ level: 'debug', name: 't', destination: logs.stream }),
      policy: { ...policy, maxPending: 2 },
    });
    const keys = ['a', 'b', 'c'].map((image) => imageKey('rbd', '', image));
    expect(keys.map((key) => small.failed(key, full(), () => true))).toEqual([true, true, false]);
    expect(small.size).toBe(2);
    expect(small.failed(keys[0]!, full(), () => true)).toBe(true);
    expect(
      lines('flatten failed, and too many clones wait for a retry: this one is left to the next resume scan'),
    ).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(2);
  });

  it('given jobs already drained when made, never retries', () => {
    const drained = new BackgroundJobs();
    void drained.drain();
    const late = new FlattenRetries({ jobs: drained, log: createLogger({ level: 'silent', name: 't' }) });
    expect(late.failed(KEY, full(), () => true)).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('FlattenRetries and corral_csi_flatten_retries_waiting', () => {
  const OTHER = imageKey('rbd', 'ns', 'csi-vol-2');
  let registry: ReturnType<typeof createMetrics>['registry'];

  beforeEach(() => {
    const metrics = createMetrics({ service: 'csi-controller', processMetrics: false });
    registry = metrics.registry;
    const flatten = createCsiMetrics(metrics).flatten;
    retries = new FlattenRetries({
      jobs,
      log: createLogger({ level: 'silent', name: 't' }),
      policy,
      ...(flatten ? { metrics: flatten } : {}),
    });
  });

  const waiting = async () =>
    (await registry.getSingleMetric('corral_csi_flatten_retries_waiting')?.get())?.values[0]?.value;

  it('given no failure yet, is 0', async () => {
    expect(await waiting()).toBe(0);
  });

  it('given clones failing on a full pool, counts those waiting; a success and a cancel take theirs off', async () => {
    retries.failed(KEY, full(), () => true);
    retries.failed(OTHER, full(), () => true);
    retries.failed(KEY, full(), () => true); // the same clone again: still one
    expect(await waiting()).toBe(2);
    retries.succeeded(KEY);
    expect(await waiting()).toBe(1);
    retries.cancel(OTHER);
    expect(await waiting()).toBe(0);
  });

  it('given a retry that runs and succeeds, counts the clone until its flatten is done', async () => {
    let room = false;
    flattenJob(() => (room ? undefined : full()), { count: 0 })();
    await vi.advanceTimersByTimeAsync(0);
    expect(await waiting()).toBe(1);
    room = true;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(retries.size).toBe(0);
    expect(await waiting()).toBe(0);
  });

  it('given a failure waiting does not cure after a retry waited, drops the clone', async () => {
    retries.failed(KEY, full(), () => true);
    expect(await waiting()).toBe(1);
    retries.failed(KEY, csiError(CSI_ERR.CEPH_FORBIDDEN, 'no caps'), () => true);
    expect(await waiting()).toBe(0);
  });

  it('given a due retry that cannot start (no job runs for the image), drops the clone', async () => {
    retries.failed(KEY, full(), () => false);
    expect(await waiting()).toBe(1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await waiting()).toBe(0);
  });

  it('given a shutdown, is 0 once the retries are cleared', async () => {
    retries.failed(KEY, full(), () => true);
    retries.failed(OTHER, full(), () => true);
    expect(await waiting()).toBe(2);
    await jobs.drain();
    expect(await waiting()).toBe(0);
  });

  it('given the set full, counts only the clones kept (at most maxPending)', async () => {
    const metrics = createMetrics({ service: 'csi-controller', processMetrics: false });
    const flatten = createCsiMetrics(metrics).flatten;
    const small = new FlattenRetries({
      jobs,
      log: createLogger({ level: 'silent', name: 't' }),
      policy: { ...policy, maxPending: 1 },
      ...(flatten ? { metrics: flatten } : {}),
    });
    small.failed(KEY, full(), () => true);
    expect(small.failed(OTHER, full(), () => true)).toBe(false);
    const gauge = await metrics.registry.getSingleMetric('corral_csi_flatten_retries_waiting')?.get();
    expect(gauge?.values[0]?.value).toBe(1);
  });
});
