import { fastify } from 'fastify';
import { createLogger } from '../log/create-logger.js';
import { memoryDestination } from '../log/memory-destination.js';
import { requireClientCertificate } from './require-client-certificate.js';

describe('requireClientCertificate refusal warning', () => {
  it('given a refused request with a 16 KiB path, writes at most 512 of its characters and how many were cut', async () => {
    const sink = memoryDestination();
    const app = fastify({
      loggerInstance: createLogger({ level: 'debug', name: 't', destination: sink.stream }),
    });
    const guard = requireClientCertificate();
    app.get('/private/*', { onRequest: (req, reply) => guard(req, reply) }, async () => 'ok');
    const path = `/private/${'a'.repeat(16 * 1024 - 9)}`;
    const answer = await app.inject({ method: 'GET', url: `${path}?token=abc` });
    expect(answer.statusCode).toBe(403);
    const warning = sink.lines.find((l) => l['level'] === 'warn');
    expect(warning).toMatchObject({
      method: 'GET',
      url: `${path.slice(0, 512)}…(+${path.length - 512})`,
      problem: 'the connection is not TLS',
      refusedSinceLastWarning: 0,
    });
    await app.close();
  });
});
