import { EventEmitter } from 'node:events';
import { ConfigError } from '../errors.js';
import { createLogger } from '../log/create-logger.js';
import { memoryDestination } from '../log/memory-destination.js';
import { createMetrics } from '../metrics/create-metrics.js';
import { buildServer } from '../ops/build-server.js';
import { createReadiness } from '../ops/readiness.js';
import { drainDelayProblem } from './drain-delay-check.js';
import { onShutdown, type ProcessLike } from './on-shutdown.js';

class FakeProcess extends EventEmitter implements ProcessLike {
  private resolveExit: (code: number) => void = () => {};
  readonly exited = new Promise<number>((resolve) => (this.resolveExit = resolve));
  exit(code: number): void {
    this.resolveExit(code);
  }
}

const quietLogger = () =>
  createLogger({ level: 'info', name: 'test', destination: memoryDestination().stream });

describe('drainDelayProblem', () => {
  it('given a drain shorter than the timeout (or none), finds no problem', () => {
    expect(drainDelayProblem(1000, 999)).toBeUndefined();
    expect(drainDelayProblem(1000, 0)).toBeUndefined();
    expect(drainDelayProblem(1000, undefined)).toBeUndefined();
  });

  it.each([[1000], [1500]])('given a drain of %i ms with a 1000 ms timeout, names both settings', (drain) => {
    expect(
      drainDelayProblem(1000, drain, { timeout: '--shutdown-timeout-ms', drain: '--drain-delay-ms' }),
    ).toBe(
      `--drain-delay-ms (${drain}) must be less than --shutdown-timeout-ms (1000): the drain counts ` +
        'inside the shutdown timeout, and the shutdown steps need time after it',
    );
  });
});

describe('onShutdown drain delay', () => {
  it.each([[300], [500]])('given a drain of %i ms and a 300 ms timeout, throws a ConfigError', (drain) => {
    const proc = new FakeProcess();
    const install = () =>
      onShutdown({ logger: quietLogger(), timeoutMs: 300, drainDelayMs: drain, steps: [], process: proc });
    expect(install).toThrow(ConfigError);
    expect(install).toThrow(/drainDelayMs \(\d+\) must be less than timeoutMs \(300\)/);
    expect(proc.listenerCount('SIGTERM')).toBe(0);
  });

  it('given SIGTERM, answers /readyz 503 but still serves requests during the drain, then stops', async () => {
    const logger = quietLogger();
    const readiness = createReadiness();
    const app = buildServer({
      logger,
      metrics: createMetrics({ service: 'drain' }),
      readiness: readiness.report,
    });
    app.get('/work', () => 'served');
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    const base = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
    const closed: string[] = [];
    const proc = new FakeProcess();
    // The requests below must come within the drain: it is long enough for a busy machine.
    onShutdown({
      logger,
      readiness,
      timeoutMs: 4000,
      drainDelayMs: 2000,
      process: proc,
      steps: [{ name: 'http server', run: () => app.close().then(() => closed.push('http server')) }],
    });
    try {
      expect((await fetch(`${base}/readyz`)).status).toBe(200);
      // The signal marks the process unready at once (no delay to guess).
      proc.emit('SIGTERM', 'SIGTERM');
      expect((await fetch(`${base}/readyz`)).status).toBe(503);
      const during = await fetch(`${base}/work`);
      expect({ status: during.status, body: await during.text() }).toEqual({ status: 200, body: 'served' });
      expect(closed).toEqual([]);
      expect(await proc.exited).toBe(0);
      expect(closed).toEqual(['http server']);
    } finally {
      await app.close();
    }
  });
});
