import { createLogger } from '../log/create-logger.js';
import { memoryDestination } from '../log/memory-destination.js';
import { createMetrics } from '../metrics/create-metrics.js';
import { buildServer } from './build-server.js';
import { createReadiness } from './readiness.js';

function build() {
  const logs = memoryDestination();
  const app = buildServer({
    logger: createLogger({ level: 'info', name: 'error-test', destination: logs.stream }),
    metrics: createMetrics({ service: 'error-test', processMetrics: false }),
    readiness: createReadiness().report,
  });
  app.get('/boom', async () => {
    throw new Error('disk on fire');
  });
  app.get('/teapot', async () => {
    throw Object.assign(new Error('short and stout'), { statusCode: 418 });
  });
  return { app, logs };
}

describe('buildServer errors', () => {
  it('given a route that throws, answers fastify’s 500 and logs the error once with its stack', async () => {
    const { app, logs } = build();
    const res = await app.inject({ method: 'GET', url: '/boom', headers: { 'x-request-id': 'r-1' } });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ statusCode: 500, error: 'Internal Server Error', message: 'disk on fire' });
    const errors = logs.lines.filter((l) => l.level === 'error' && l.err !== undefined);
    expect(errors).toEqual([
      expect.objectContaining({
        reqId: 'r-1',
        msg: 'request failed',
        err: expect.objectContaining({
          message: 'disk on fire',
          stack: expect.stringContaining('Error: disk on fire'),
        }),
      }),
    ]);
  });

  it('given a route that throws a client error, answers it as fastify does and logs no error', async () => {
    const { app, logs } = build();
    const res = await app.inject({ method: 'GET', url: '/teapot' });
    expect(res.statusCode).toBe(418);
    expect(res.json()).toEqual({ statusCode: 418, error: "I'm a Teapot", message: 'short and stout' });
    expect(logs.lines.filter((l) => l.err !== undefined)).toEqual([]);
  });
});
