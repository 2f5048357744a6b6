import type { BackoffPolicy } from './backoff.js';
import { supervise } from './supervisor.js';
import { FakeClock, settle } from './testing/fake-clock.js';

const backoff: BackoffPolicy = { initialMs: 100, maxMs: 300, factor: 2, jitter: 0 };

interface Harness {
  readonly clock: FakeClock;
  readonly controller: AbortController;
  readonly runs: number[];
  readonly restarts: { restarts: number; delayMs: number; message: string }[];
  readonly done: Promise<void>;
}

/** `script[i]` decides run i: 'fail', 'healthy-then-fail', or 'run' (until aborted). */
function start(
  script: readonly ('fail' | 'healthy-then-fail' | 'run')[],
  minDelayMs?: (err: unknown) => number | undefined,
): Harness {
  const clock = new FakeClock();
  const controller = new AbortController();
  const runs: number[] = [];
  const restarts: Harness['restarts'] = [];
  const done = supervise({
    signal: controller.signal,
    clock,
    backoff,
    random: () => 0.5,
    run: async (signal, healthy) => {
      const step = script[runs.length] ?? 'run';
      runs.push(clock.now());
      if (step === 'healthy-then-fail') healthy();
      if (step !== 'run') throw new Error(`run ${runs.length} failed`);
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    },
    onRestart: (err, count, delayMs) =>
      restarts.push({ restarts: count, delayMs, message: (err as Error).message }),
    ...(minDelayMs ? { minDelayMs } : {}),
  });
  return { clock, controller, runs, restarts, done };
}

describe('supervise', () => {
  it('given repeated failures, restarts after capped exponential delays and counts restarts', async () => {
    const h = start(['fail', 'fail', 'fail', 'fail', 'run']);
    await h.clock.advance(10_000);
    expect(h.restarts.map((r) => r.delayMs)).toEqual([100, 200, 300, 300]);
    expect(h.restarts.map((r) => r.restarts)).toEqual([1, 2, 3, 4]);
    expect(h.runs).toEqual([0, 100, 300, 600, 900]);
    h.controller.abort();
    await h.done;
  });

  it('given failures asking for a longer wait (Retry-After), waits that long, even past the backoff maximum', async () => {
    const h = start(['fail', 'fail', 'run'], (err) =>
      (err as Error).message === 'run 1 failed' ? 1_000 : 50,
    );
    await h.clock.advance(10_000);
    expect(h.restarts.map((r) => r.delayMs)).toEqual([1_000, 200]);
    expect(h.runs).toEqual([0, 1_000, 1_200]);
    h.controller.abort();
    await h.done;
  });

  it('given a run that did useful work before failing, starts the backoff over', async () => {
    const h = start(['fail', 'fail', 'healthy-then-fail', 'fail', 'run']);
    await h.clock.advance(10_000);
    expect(h.restarts.map((r) => r.delayMs)).toEqual([100, 200, 100, 200]);
    h.controller.abort();
    await h.done;
  });

  it('given a stop while waiting to restart, resolves without running again', async () => {
    const h = start(['fail', 'run']);
    await settle();
    expect(h.clock.pendingDelays()).toEqual([100]);
    h.controller.abort();
    await h.done;
    await h.clock.advance(1_000);
    expect(h.runs).toHaveLength(1);
  });

  it('given a stop while running, resolves once the run returns and never restarts', async () => {
    const h = start(['run']);
    await settle();
    h.controller.abort();
    await h.done;
    expect(h.restarts).toEqual([]);
    expect(h.clock.pendingDelays()).toEqual([]);
  });

  it('given a run that fails because it was stopped, does not count a restart', async () => {
    const clock = new FakeClock();
    const controller = new AbortController();
    const restarts: number[] = [];
    const done = supervise({
      signal: controller.signal,
      clock,
      backoff,
      random: () => 0,
      run: (signal) =>
        new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted')))),
      onRestart: (_err, count) => restarts.push(count),
    });
    controller.abort();
    await done;
    expect(restarts).toEqual([]);
  });
});
