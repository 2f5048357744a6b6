import { EventEmitter } from 'node:events';
import { connect, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { memoryDestination, type ProcessLike } from '@corral/runtime';
import { loadExtenderConfig } from '../config.js';
import { runExtender, type RunningExtender } from './run-extender.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

const sockets: Socket[] = [];
let running: RunningExtender | undefined;
const signals = new EventEmitter();
const proc: ProcessLike = {
  on: (s, l) => signals.on(s, l),
  off: (s, l) => signals.off(s, l),
  exit: () => undefined,
};
afterEach(async () => {
  sockets.splice(0).forEach((socket) => socket.destroy());
  if (running) {
    signals.emit('SIGTERM', 'SIGTERM');
    await running.done;
    running = undefined;
  }
});

/** Opens a connection, asks GET /healthz, and resolves with the status line ('' if closed unanswered). */
function ask(address: string): Promise<string> {
  const [host, port] = [
    address.slice(0, address.lastIndexOf(':')),
    Number(address.slice(address.lastIndexOf(':') + 1)),
  ];
  return new Promise((resolve) => {
    const socket = connect({ host, port }, () => socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n'));
    sockets.push(socket);
    let text = '';
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('\r\n')) resolve(text.split('\r\n')[0] ?? '');
    });
    socket.on('error', () => undefined);
    socket.once('close', () => resolve(text.split('\r\n')[0] ?? ''));
  });
}

describe('runExtender with --max-connections', () => {
  it('given --max-connections 2 and two connections held, closes a third unanswered and counts it', async () => {
    const config = loadExtenderConfig(
      ['--policies', 'examples', '--listen', '127.0.0.1:0', '--max-connections', '2'],
      { CORRAL_EXTENDER_DRAIN_DELAY_MS: '0' },
    );
    running = await runExtender(config, ROOT, { process: proc, destination: memoryDestination().stream });
    expect(await ask(running.address)).toBe('HTTP/1.1 200 OK');
    expect(await ask(running.address)).toBe('HTTP/1.1 200 OK');
    expect(await ask(running.address)).toBe('');
    const metrics = await running.extender.metrics.registry.metrics();
    expect(metrics).toContain('corral_http_connections_dropped_total{service="extender"} 1');
  });
});
