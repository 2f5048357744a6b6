import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createLogger } from '../log/create-logger.js';
import { memoryDestination, type MemoryDestination } from '../log/memory-destination.js';
import { createMetrics } from '../metrics/create-metrics.js';
import { buildServer, type CorralServer } from './build-server.js';
import { createReadiness } from './readiness.js';

/** Sends raw bytes on a fresh connection and resolves with what the server answered before closing. */
function sendRaw(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let answer = '';
    const socket = connect(port, '127.0.0.1', () => socket.write(bytes));
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
  });
}

/** Every string in a log line, with byte arrays (a Buffer as JSON) decoded as text too. */
function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    const bytes = value.every((item) => typeof item === 'number')
      ? Buffer.from(value as number[])
      : undefined;
    return bytes ? bytes.toString('latin1') : value.map(textOf).join('\n');
  }
  if (value !== null && typeof value === 'object') return Object.values(value).map(textOf).join('\n');
  return String(value);
}

let app: CorralServer;
let logs: MemoryDestination;
let port: number;

beforeEach(async () => {
  logs = memoryDestination();
  app = buildServer({
    // trace: the level at which fastify logs each client error, with the error Node gives it.
    logger: createLogger({ level: 'trace', name: 'client-error-test', destination: logs.stream }),
    metrics: createMetrics({ service: 'client-error-test', processMetrics: false }),
    readiness: createReadiness().report,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  port = (app.server.address() as AddressInfo).port;
});
afterEach(() => app.close());

describe('buildServer client errors', () => {
  it.each([
    ['a malformed header line', '400', 'Authorization: Bearer s3cr3t-t0ken-abc\r\nBad Header\r\n\r\n'],
    [
      'headers over the size limit',
      '431',
      `Authorization: Bearer s3cr3t-t0ken-abc\r\nX-Pad: ${'a'.repeat(20_000)}\r\n\r\n`,
    ],
  ])(
    'given %s carrying a bearer token, answers %s, logs the error, and never the token',
    async (_name, status, headers) => {
      const answer = await sendRaw(port, `GET /healthz HTTP/1.1\r\nHost: x\r\n${headers}`);
      expect(answer).toMatch(new RegExp(`^HTTP/1.1 ${status} `));
      await vi.waitFor(() =>
        expect(logs.lines.some((line) => line.msg?.toString().startsWith('client'))).toBe(true),
      );
      const clientError = logs.lines.find((line) => line.msg?.toString().startsWith('client'));
      expect(clientError).toMatchObject({ level: 'trace', err: { code: expect.stringMatching(/^HPE_/) } });
      // Node hands fastify the raw bytes it received (`rawPacket`): headers, tokens and all.
      expect(logs.lines.map(textOf).join('\n').includes('s3cr3t-t0ken-abc')).toBe(false);
    },
  );
});
