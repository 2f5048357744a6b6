import { EventEmitter } from 'node:events';
import { connect, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { memoryDestination } from '@corral/runtime';
import { startAdmission, type RunningAdmission } from './run-admission.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

const sockets: Socket[] = [];
let running: RunningAdmission | undefined;
afterEach(async () => {
  sockets.splice(0).forEach((socket) => socket.destroy());
  await running?.stop();
  running = undefined;
});

/** Opens a connection, asks GET `path`, and resolves with the response so far ('' if closed unanswered). */
function ask(url: string, path: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) }, () =>
      socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`),
    );
    sockets.push(socket);
    let text = '';
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('\r\n\r\n')) setTimeout(() => resolve(text), 50); // the body follows
    });
    socket.on('error', () => undefined);
    socket.once('close', () => resolve(text));
  });
}

describe('startAdmission with --max-connections', () => {
  it('given --max-connections 2 and two connections held, closes a third unanswered and counts it', async () => {
    const proc = Object.assign(new EventEmitter(), { exit: () => undefined });
    const io = { stdout: () => undefined, stderr: () => undefined, env: {}, cwd: ROOT };
    const args = [
      '--policies',
      'examples',
      '--listen',
      '127.0.0.1:0',
      '--drain-delay-ms',
      '0',
      '--max-connections',
      '2',
    ];
    running = await startAdmission(args, io, { process: proc, logDestination: memoryDestination().stream });
    expect(await ask(running.url, '/healthz')).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(await ask(running.url, '/healthz')).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(await ask(running.url, '/healthz')).toBe('');
    sockets.shift()?.destroy();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await ask(running.url, '/metrics')).toContain(
      'corral_http_connections_dropped_total{service="admission"} 1',
    );
  });
});
