import { BackgroundJobs, imageKey } from './background-jobs.js';

describe('BackgroundJobs', () => {
  it('given a running job, settle waits for it; a failure goes to onError, not unhandled', async () => {
    const jobs = new BackgroundJobs();
    const order: string[] = [];
    const errors: unknown[] = [];
    let finish!: () => void;
    jobs.start(
      'a',
      () => new Promise<void>((r) => (finish = r)).then(() => void order.push('job')),
      (e) => errors.push(e),
    );
    jobs.start(
      'b',
      async () => Promise.reject(new Error('flatten failed')),
      (e) => errors.push(e),
    );
    const settled = jobs.settle('a').then(() => order.push('settled'));
    await vi.waitFor(() => expect(finish).toBeTypeOf('function'));
    finish();
    await settled;
    await jobs.drain();
    expect(order).toEqual(['job', 'settled']);
    expect(errors).toHaveLength(1);
  });

  it('given no job for a key, settle resolves at once', async () => {
    await expect(new BackgroundJobs().settle(imageKey('rbd', '', 'img'))).resolves.toBeUndefined();
  });

  it('given a job running for a key, a second start for it is refused and runs nothing', async () => {
    const jobs = new BackgroundJobs();
    let runs = 0;
    let finish!: () => void;
    const job = () => {
      runs++;
      return new Promise<void>((r) => (finish = r));
    };
    expect(jobs.start('k', job, () => undefined)).toBe(true);
    expect(jobs.start('k', job, () => undefined)).toBe(false);
    expect(jobs.isRunning('k')).toBe(true);
    await vi.waitFor(() => expect(runs).toBe(1));
    finish();
    await jobs.settle('k');
    expect(jobs.isRunning('k')).toBe(false);
    // Finished: the key may run again.
    expect(
      jobs.start(
        'k',
        async () => void runs++,
        () => undefined,
      ),
    ).toBe(true);
    await jobs.settle('k');
    expect(runs).toBe(2);
  });

  it('given drain has begun, refuses new jobs and still waits for jobs started by running ones', async () => {
    const jobs = new BackgroundJobs();
    const done: string[] = [];
    let finish!: () => void;
    jobs.start(
      'outer',
      () => new Promise<void>((r) => (finish = r)).then(() => void done.push('outer')),
      () => undefined,
    );
    const drained = jobs.drain().then(() => done.push('drained'));
    expect(jobs.draining).toBe(true);
    expect(
      jobs.start(
        'late',
        async () => void done.push('late'),
        () => undefined,
      ),
    ).toBe(false);
    await vi.waitFor(() => expect(finish).toBeTypeOf('function'));
    finish();
    await drained;
    expect(done).toEqual(['outer', 'drained']);
  });

  it('given a job that throws synchronously, reports it to onError', async () => {
    const jobs = new BackgroundJobs();
    const errors: unknown[] = [];
    jobs.start(
      'sync',
      () => {
        throw new Error('boom');
      },
      (e) => errors.push(e),
    );
    await jobs.drain();
    expect(errors).toEqual([new Error('boom')]);
  });

  describe('pause', () => {
    beforeEach(() => {
      vi.useFakeTimers();
    });
    afterEach(() => {
      vi.useRealTimers();
    });

    it('given no drain, resolves true after the time and not before', async () => {
      const jobs = new BackgroundJobs();
      let woke: boolean | undefined;
      void jobs.pause(5_000).then((v) => (woke = v));
      await vi.advanceTimersByTimeAsync(4_999);
      expect(woke).toBeUndefined();
      await vi.advanceTimersByTimeAsync(1);
      expect(woke).toBe(true);
      expect(vi.getTimerCount()).toBe(0);
    });

    it('given a drain during the pause, resolves false at once and leaves no timer', async () => {
      const jobs = new BackgroundJobs();
      const paused = jobs.pause(300_000);
      expect(vi.getTimerCount()).toBe(1);
      await jobs.drain();
      await expect(paused).resolves.toBe(false);
      expect(vi.getTimerCount()).toBe(0);
      await expect(jobs.pause(1_000)).resolves.toBe(false);
      expect(vi.getTimerCount()).toBe(0);
    });
  });
});
