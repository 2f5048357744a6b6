import { Agent, createServer, get } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeConnectionsAfterResponse } from './close-after-response.js';

interface Answer {
  readonly connection: string | undefined;
  readonly socketPort: number | undefined;
}

function fetchOnce(port: number, agent: Agent): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = get({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
      res.resume();
      res.on('end', () =>
        resolve({ connection: res.headers.connection, socketPort: request.socket?.localPort }),
      );
    });
    request.on('error', reject);
  });
}

describe('closeConnectionsAfterResponse', () => {
  it('given keep-alive connections, answers each later request with Connection: close and a new connection', async () => {
    const server = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const first = await fetchOnce(port, agent);
      const second = await fetchOnce(port, agent);
      expect(first.connection).toBe('keep-alive');
      expect(second.socketPort).toBe(first.socketPort); // reused

      closeConnectionsAfterResponse(server);
      const draining = await fetchOnce(port, agent);
      // The connection the client held is answered, told to close, and not reused.
      expect(draining).toEqual({ connection: 'close', socketPort: first.socketPort });
      const next = await fetchOnce(port, agent);
      expect(next.connection).toBe('close');
      expect(next.socketPort).not.toBe(first.socketPort);
    } finally {
      agent.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
