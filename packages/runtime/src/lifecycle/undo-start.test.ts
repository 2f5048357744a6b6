import { createLogger } from '../log/create-logger.js';
import { memoryDestination } from '../log/memory-destination.js';
import { startOrUndo } from './undo-start.js';

function logger() {
  const logs = memoryDestination();
  return { logs, logger: createLogger({ level: 'info', name: 'test', destination: logs.stream }) };
}

describe('startOrUndo', () => {
  it('given a start that succeeds, returns its value and stops nothing', async () => {
    const { logger: log } = logger();
    const stopped: string[] = [];
    const value = await startOrUndo(log, async (started) => {
      started.add('watch', 'w', (part) => stopped.push(part));
      return 42;
    });
    expect(value).toBe(42);
    expect(stopped).toEqual([]);
  });

  it('given a start that fails after starting parts, stops them newest first and rethrows its error', async () => {
    const { logger: log } = logger();
    const stopped: string[] = [];
    const failure = new Error('listen EADDRINUSE');
    await expect(
      startOrUndo(log, async (started) => {
        started.add('informers', 'informers', (part) => stopped.push(part));
        started.add('server', 'server', async (part) => void stopped.push(part));
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(stopped).toEqual(['server', 'informers']);
  });

  it('given a stop that throws, logs it and still stops the rest; the start error goes on', async () => {
    const { logger: log, logs } = logger();
    const stopped: string[] = [];
    await expect(
      startOrUndo(log, async (started) => {
        started.add('informers', 'informers', (part) => stopped.push(part));
        started.add('server', 'server', () => {
          throw new Error('close failed');
        });
        throw new Error('listen failed');
      }),
    ).rejects.toThrow('listen failed');
    expect(stopped).toEqual(['informers']);
    expect(logs.lines).toEqual([
      expect.objectContaining({ level: 'error', msg: 'failed start: a stop failed' }),
    ]);
  });

  it('given a stop that hangs, gives up after the timeout and rethrows the start error', async () => {
    const { logger: log, logs } = logger();
    await expect(
      startOrUndo(
        log,
        async (started) => {
          started.add('stuck', undefined, () => new Promise(() => undefined));
          throw new Error('listen failed');
        },
        { timeoutMs: 50 },
      ),
    ).rejects.toThrow('listen failed');
    expect(logs.lines).toEqual([
      expect.objectContaining({
        pendingStep: 'stuck',
        msg: 'failed start: stopping what it started timed out',
      }),
    ]);
  });
});
