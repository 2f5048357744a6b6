import { connect } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { listenTcp, type TcpListener } from './listen-tcp.js';

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** Resolves true when a TCP connection to host:port opens. */
function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A listener whose `::` bind fails as on a host booted without IPv6; other hosts bind for real. */
function withoutIpv6(real: FastifyInstance, code = 'EAFNOSUPPORT'): TcpListener & { hosts: string[] } {
  const hosts: string[] = [];
  return {
    hosts,
    server: real.server,
    async listen({ host, port }) {
      hosts.push(host);
      if (host === '::') throw Object.assign(new Error(`listen ${code} ::`), { code });
      return real.listen({ host, port });
    },
  };
}

describe('listenTcp', () => {
  it('given ::, answers on IPv4 and IPv6 loopback alike (dual stack)', async () => {
    app = Fastify();
    const bound = await listenTcp(app, '::', 0);
    expect(bound.host).toBe('::');
    expect(bound.port).toBeGreaterThan(0);
    expect(await reachable('127.0.0.1', bound.port)).toBe(true);
    expect(await reachable('::1', bound.port)).toBe(true);
  });

  it('given 0.0.0.0, answers on IPv4 only', async () => {
    app = Fastify();
    const bound = await listenTcp(app, '0.0.0.0', 0);
    expect(bound).toEqual({ host: '0.0.0.0', port: expect.any(Number) });
    expect(await reachable('127.0.0.1', bound.port)).toBe(true);
    expect(await reachable('::1', bound.port)).toBe(false);
  });

  it('given :: on a host without IPv6, falls back to 0.0.0.0 and says so', async () => {
    app = Fastify();
    const listener = withoutIpv6(app);
    const bound = await listenTcp(listener, '::', 0);
    expect(listener.hosts).toEqual(['::', '0.0.0.0']);
    expect(bound.host).toBe('0.0.0.0');
    expect(await reachable('127.0.0.1', bound.port)).toBe(true);
  });

  it('given a bind failure that is not about IPv6 (port taken), rejects with it', async () => {
    const taken = Fastify();
    await taken.listen({ host: '::', port: 0 });
    const { port } = taken.server.address() as { port: number };
    try {
      app = Fastify();
      await expect(listenTcp(app, '::', port)).rejects.toMatchObject({ code: 'EADDRINUSE' });
    } finally {
      await taken.close();
    }
  });

  it('given another host whose bind fails like a missing IPv6, does not fall back', async () => {
    app = Fastify();
    const failing: TcpListener = {
      server: app.server,
      listen: () => Promise.reject(Object.assign(new Error('EADDRNOTAVAIL'), { code: 'EADDRNOTAVAIL' })),
    };
    await expect(listenTcp(failing, '10.9.8.7', 0)).rejects.toMatchObject({ code: 'EADDRNOTAVAIL' });
  });
});
