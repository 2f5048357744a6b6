import { EventEmitter } from 'node:events';
import { createLogger } from '../log/create-logger.js';
import { memoryDestination } from '../log/memory-destination.js';
import { createReadiness } from '../ops/readiness.js';
import { onShutdown, type ProcessLike, type ShutdownStep } from './on-shutdown.js';

class FakeProcess extends EventEmitter implements ProcessLike {
  readonly exits: number[] = [];
  private resolveExit: (code: number) => void = () => {};
  readonly exited = new Promise<number>((resolve) => (this.resolveExit = resolve));
  exit(code: number): void {
    this.exits.push(code);
    this.resolveExit(code);
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function setup(steps: (events: string[]) => ShutdownStep[], timeoutMs = 1000) {
  const proc = new FakeProcess();
  const logs = memoryDestination();
  const readiness = createReadiness();
  const events: string[] = [];
  const handle = onShutdown({
    logger: createLogger({ level: 'info', name: 'test', destination: logs.stream }),
    timeoutMs,
    readiness,
    steps: steps(events),
    process: proc,
  });
  const messages = () => logs.lines.map((l) => l.msg);
  return { proc, logs, readiness, events, handle, messages };
}

describe('onShutdown', () => {
  it('given SIGTERM, marks unready first, runs the steps in order and exits 0', async () => {
    const t = setup((events) => [
      { name: 'http', run: async () => void events.push(`http:${t.readiness.report().ready}`) },
      { name: 'informers', run: () => void events.push('informers') },
    ]);
    t.proc.emit('SIGTERM', 'SIGTERM');
    expect(await t.proc.exited).toBe(0);
    expect(t.events).toEqual(['http:false', 'informers']);
    expect(t.readiness.report().reasons).toEqual(['shutting down']);
    expect(t.messages()).toEqual(['shutting down', 'shutdown complete']);
  });

  it.each(['SIGTERM', 'SIGINT'] as const)('given %s, starts the shutdown', async (signal) => {
    const t = setup(() => []);
    t.proc.emit(signal, signal);
    expect(await t.proc.exited).toBe(0);
    expect(t.proc.exits).toEqual([0]);
    expect(t.readiness.report().reasons).toEqual(['shutting down']);
    expect(t.messages()).toEqual(['shutting down', 'shutdown complete']);
  });

  it('resolves done with the exit code once the last log line is written', async () => {
    const t = setup(() => [{ name: 'http', run: () => Promise.reject(new Error('close failed')) }]);
    let linesWhenDone = 0;
    void t.handle.done.then(() => (linesWhenDone = t.logs.lines.length));
    t.proc.emit('SIGTERM', 'SIGTERM');
    expect(await t.handle.done).toBe(1);
    expect(t.proc.exits).toEqual([1]);
    expect(linesWhenDone).toBe(2);
    expect(t.messages()).toEqual(['shutting down', 'shutdown step failed']);
  });

  it('given a failing step, still runs the next ones and exits 1', async () => {
    const t = setup((events) => [
      { name: 'http', run: () => Promise.reject(new Error('close failed')) },
      { name: 'informers', run: () => void events.push('informers') },
    ]);
    t.proc.emit('SIGTERM', 'SIGTERM');
    expect(await t.proc.exited).toBe(1);
    expect(t.events).toEqual(['informers']);
    const failure = t.logs.lines.find((l) => l.msg === 'shutdown step failed');
    expect(failure).toMatchObject({ err: { code: 'RUNTIME_ERR_SHUTDOWN_STEP', details: { step: 'http' } } });
    expect(JSON.stringify(failure)).toContain('close failed');
  });

  it('given steps slower than the timeout, exits 1 with a log line naming the pending step', async () => {
    const t = setup(() => [{ name: 'stuck watcher', run: () => new Promise(() => {}) }], 50);
    t.proc.emit('SIGTERM', 'SIGTERM');
    expect(await t.proc.exited).toBe(1);
    expect(t.logs.lines.find((l) => l.msg === 'shutdown timed out; exiting')).toMatchObject({
      level: 'error',
      err: { code: 'RUNTIME_ERR_SHUTDOWN_TIMEOUT', details: { pendingStep: 'stuck watcher' } },
    });
  });

  it('given a timeout beyond the largest timer delay, waits for the steps instead of timing out at once', async () => {
    // Node fires a setTimeout longer than 2^31-1 ms after 1 ms (TimeoutOverflowWarning).
    const t = setup(
      (events) => [{ name: 'http', run: () => sleep(30).then(() => void events.push('http')) }],
      3e9,
    );
    t.proc.emit('SIGTERM', 'SIGTERM');
    expect(await t.proc.exited).toBe(0);
    expect(t.events).toEqual(['http']);
    expect(t.messages()).toEqual(['shutting down', 'shutdown complete']);
  });

  it('given a second signal while steps run, exits 1 at once and only once', async () => {
    // A step that runs until the test lets it finish: the second signal surely comes while it runs.
    let finish = () => {};
    const finished = new Promise<void>((resolve) => (finish = resolve));
    let started = () => {};
    const running = new Promise<void>((resolve) => (started = resolve));
    const t = setup((events) => [
      {
        name: 'slow',
        run: async () => {
          started();
          await finished;
          events.push('slow done');
        },
      },
    ]);
    t.proc.emit('SIGTERM', 'SIGTERM');
    await running;
    t.proc.emit('SIGINT', 'SIGINT');
    expect(await t.proc.exited).toBe(1);
    expect(t.events).toEqual([]); // at once: the step has not finished
    finish();
    await vi.waitFor(() => expect(t.events).toEqual(['slow done']));
    await sleep(20);
    expect(t.proc.exits).toEqual([1]);
    expect(t.messages()).toContain('second shutdown request; exiting now');
    // The steps ran on after the exit: the log must not then claim a clean shutdown.
    await t.handle.shutdown('again');
    expect(t.messages()).not.toContain('shutdown complete');
  });

  it('given shutdown() called directly, resolves to the exit code', async () => {
    const t = setup(() => []);
    await expect(t.handle.shutdown('fatal error')).resolves.toBe(0);
    expect(t.logs.lines[0]).toMatchObject({ msg: 'shutting down', reason: 'fatal error' });
  });

  it('given dispose(), stops listening to signals', () => {
    const t = setup(() => []);
    expect(t.proc.listenerCount('SIGTERM')).toBe(1);
    t.handle.dispose();
    expect(t.proc.listenerCount('SIGTERM')).toBe(0);
    expect(t.proc.listenerCount('SIGINT')).toBe(0);
  });
});

describe('onShutdown drain', () => {
  function drainSetup(onDrain: () => void) {
    const proc = new FakeProcess();
    const logs = memoryDestination();
    const events: string[] = [];
    onShutdown({
      logger: createLogger({ level: 'info', name: 'test', destination: logs.stream }),
      timeoutMs: 1000,
      drainDelayMs: 100,
      onDrain: () => {
        events.push('drain');
        onDrain();
      },
      steps: [{ name: 'http', run: () => void events.push('http') }],
      process: proc,
    });
    return { proc, logs, events };
  }

  it('given SIGTERM, calls onDrain at once, before the drain delay and the steps', async () => {
    const t = drainSetup(() => undefined);
    t.proc.emit('SIGTERM', 'SIGTERM');
    expect(t.events).toEqual(['drain']);
    await sleep(50);
    expect(t.events).toEqual(['drain']); // still within the drain delay
    expect(await t.proc.exited).toBe(0);
    expect(t.events).toEqual(['drain', 'http']);
  });

  it('given an onDrain that throws, logs it, still runs the steps and exits 1', async () => {
    const t = drainSetup(() => {
      throw new Error('no server');
    });
    t.proc.emit('SIGTERM', 'SIGTERM');
    expect(await t.proc.exited).toBe(1);
    expect(t.events).toEqual(['drain', 'http']);
    const failures = t.logs.lines.filter((l) => l.msg === 'shutdown step failed');
    expect(failures).toEqual([
      expect.objectContaining({
        level: 'error',
        err: expect.objectContaining({ code: 'RUNTIME_ERR_SHUTDOWN_STEP', details: { step: 'drain' } }),
      }),
    ]);
    expect(JSON.stringify(failures[0])).toContain('no server');
  });
});
