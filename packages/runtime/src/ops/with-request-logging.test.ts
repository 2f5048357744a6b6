import { fastify, LogController } from 'fastify';
import { createLogger } from '../log/create-logger.js';
import { memoryDestination } from '../log/memory-destination.js';
import { withRequestLogging } from './with-request-logging.js';

async function appWithLogging() {
  const sink = memoryDestination();
  const logger = createLogger({ level: 'debug', name: 'test', destination: sink.stream });
  const app = fastify({
    loggerInstance: logger,
    logController: new LogController({ disableRequestLogging: true }),
  });
  await app.register(withRequestLogging);
  app.get('/items/:id', async () => 'ok');
  app.get('/healthz', async () => 'ok');
  app.get('/readyz', async (_request, reply) => reply.code(503).send({ ready: false }));
  app.get('/down', async (_request, reply) => reply.code(503).send('down'));
  app.get('/boom', async () => {
    throw new Error('broken');
  });
  const completed = () => sink.lines.filter((l) => l.msg === 'request completed');
  return { app, completed };
}

describe('withRequestLogging', () => {
  const cases: [string, string, Record<string, unknown>][] = [
    ['a normal request', '/items/7', { level: 'info', method: 'GET', route: '/items/:id', statusCode: 200 }],
    ['a probe', '/healthz', { level: 'debug', route: '/healthz', statusCode: 200 }],
    ['a failing request', '/boom', { level: 'error', route: '/boom', statusCode: 500 }],
    ['a not-ready probe', '/readyz', { level: 'info', route: '/readyz', statusCode: 503 }],
    ['an unavailable service route', '/down', { level: 'error', route: '/down', statusCode: 503 }],
    [
      'an unknown URL',
      '/nope?token=abc',
      { level: 'warn', route: 'unmatched', path: '/nope', statusCode: 404 },
    ],
  ];
  it.each(cases)('given %s, writes one completion line', async (_name, url, expected) => {
    const { app, completed } = await appWithLogging();
    await app.inject({ method: 'GET', url });
    expect(completed()).toHaveLength(1);
    expect(completed()[0]).toMatchObject(expected);
    expect(completed()[0]?.durationMs).toEqual(expect.any(Number));
    expect(JSON.stringify(completed())).not.toContain('token=abc');
  });

  it('given an unknown URL of 16 KiB (a scanner), writes at most 512 of its characters and how many were cut', async () => {
    const { app, completed } = await appWithLogging();
    const path = `/${'a'.repeat(16 * 1024 - 1)}`;
    await app.inject({ method: 'GET', url: `${path}?q=1` });
    expect(completed()).toHaveLength(1);
    expect(completed()[0]).toMatchObject({
      level: 'warn',
      method: 'GET',
      route: 'unmatched',
      path: `${path.slice(0, 512)}…(+${path.length - 512})`,
      statusCode: 404,
    });
    expect(completed()[0]?.durationMs).toEqual(expect.any(Number));
  });

  it('given an unknown URL of exactly 512 characters, writes it whole', async () => {
    const { app, completed } = await appWithLogging();
    const path = `/${'b'.repeat(511)}`;
    await app.inject({ method: 'GET', url: path });
    expect(completed()[0]?.path).toBe(path);
  });

  it('given two requests, logs each with its own request id', async () => {
    const { app, completed } = await appWithLogging();
    app.get('/whoami', async (request) => request.id);
    const first = await app.inject({ method: 'GET', url: '/whoami' });
    const second = await app.inject({ method: 'GET', url: '/whoami' });
    // Each line carries the id of the request it completes, and the two differ.
    expect(first.body).not.toBe(second.body);
    expect(completed().map((l) => l.reqId)).toEqual([first.body, second.body]);
  });
});
