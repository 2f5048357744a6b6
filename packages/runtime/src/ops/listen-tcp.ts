import type { AddressInfo } from 'node:net';
import { ANY_HOST } from '../config/listen-address.js';

/** What listenTcp needs of a server: fastify's `listen` and the node server behind it. */
export interface TcpListener {
  listen(options: { host: string; port: number }): Promise<unknown>;
  readonly server: { address(): AddressInfo | string | null };
}

const IPV4_ANY = '0.0.0.0';
/** What binding `::` fails with on a host without IPv6 (booted with ipv6.disable=1). */
const NO_IPV6 = new Set(['EAFNOSUPPORT', 'EADDRNOTAVAIL', 'EPROTONOSUPPORT']);

/**
 * Listens on `host:port` and returns the address actually bound (port 0 resolved). `::` (what
 * `--listen=:PORT` means) takes IPv6 and IPv4 connections, so the service answers on IPv4-only,
 * dual-stack and IPv6-only clusters alike; on a host without IPv6 it falls back to `0.0.0.0`.
 */
export async function listenTcp(
  app: TcpListener,
  host: string,
  port: number,
): Promise<{ host: string; port: number }> {
  let bound = host;
  try {
    await app.listen({ host, port });
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (host !== ANY_HOST || typeof code !== 'string' || !NO_IPV6.has(code)) throw error;
    bound = IPV4_ANY;
    await app.listen({ host: bound, port });
  }
  const address = app.server.address();
  return { host: bound, port: typeof address === 'object' && address ? address.port : port };
}
