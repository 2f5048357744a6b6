import { stat } from 'node:fs';
import { Cohort } from './cohort.js';

describe('Cohort', () => {
  it('given work queued in one turn, runs none of it at once, then all of it before any answer is taken', async () => {
    const cohort = new Cohort();
    const ran: string[] = [];
    const seenAtFirstAnswer: string[][] = [];
    const answers = ['a', 'b', 'c'].map((name) =>
      cohort.run(() => {
        ran.push(name);
        return name.toUpperCase();
      }),
    );
    expect(ran).toEqual([]);
    expect(cohort.waiting).toBe(3);
    void answers[0]!.then(() => seenAtFirstAnswer.push([...ran]));
    expect(await Promise.all(answers)).toEqual(['A', 'B', 'C']);
    expect(ran).toEqual(['a', 'b', 'c']);
    expect(seenAtFirstAnswer).toEqual([['a', 'b', 'c']]);
    expect(cohort.waiting).toBe(0);
  });

  it('given onRun, tells it the size of each cohort as it starts', async () => {
    const sizes: number[] = [];
    const cohort = new Cohort((size) => sizes.push(size));
    await Promise.all([cohort.run(() => 1), cohort.run(() => 2), cohort.run(() => 3)]);
    await cohort.run(() => 4);
    expect(sizes).toEqual([3, 1]);
  });

  it('given work that throws, rejects its own promise only', async () => {
    const cohort = new Cohort();
    const results = await Promise.allSettled([
      cohort.run(() => 1),
      cohort.run(() => {
        throw new Error('rule bug');
      }),
      cohort.run(() => 3),
    ]);
    expect(results).toEqual([
      { status: 'fulfilled', value: 1 },
      { status: 'rejected', reason: new Error('rule bug') },
      { status: 'fulfilled', value: 3 },
    ]);
  });

  it('given work returning a promise, settles with what the promise settles with', async () => {
    const cohort = new Cohort();
    await expect(cohort.run(async () => 'later')).resolves.toBe('later');
    await expect(cohort.run(() => Promise.reject(new Error('no')))).rejects.toThrow('no');
  });

  it('given work queued while a cohort runs, runs it in the next cohort, after the current one', async () => {
    const cohort = new Cohort();
    const ran: string[] = [];
    let inner: Promise<void> | undefined;
    const first = cohort.run(() => {
      ran.push('first');
      inner = cohort.run(() => {
        ran.push('queued by first');
      });
    });
    const second = cohort.run(() => {
      ran.push('second');
    });
    await Promise.all([first, second]);
    expect(ran).toEqual(['first', 'second']);
    await inner;
    expect(ran).toEqual(['first', 'second', 'queued by first']);
  });

  it('given work queued from an I/O callback, runs it in the same loop iteration (before a 0 ms timer)', async () => {
    const cohort = new Cohort();
    const order = await new Promise<string[]>((resolve) => {
      stat(import.meta.filename, () => {
        const seen: string[] = [];
        setTimeout(() => {
          seen.push('timer');
          resolve(seen);
        }, 0);
        void cohort.run(() => seen.push('cohort'));
      });
    });
    expect(order).toEqual(['cohort', 'timer']);
  });
});
