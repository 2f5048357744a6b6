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
    finish();
    await settled;
    await jobs.drain();
    expect(order).toEqual(['job', 'settled']);
    expect(errors).toHaveLength(1);
  });

  it('given no job for a key, settle resolves at once', async () => {
    await expect(new BackgroundJobs().settle(imageKey('rbd', '', 'img'))).resolves.toBeUndefined();
  });
});
