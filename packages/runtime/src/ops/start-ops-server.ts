import type { Logger } from 'pino';
import { formatListenAddress, parseListenAddress, type ListenAddress } from '../config/listen-address.js';
import { ListenAddressError } from '../errors.js';
import type { Metrics } from '../metrics/create-metrics.js';
import { buildServer, type CorralServer } from './build-server.js';
import { listenTcp } from './listen-tcp.js';
import type { ReadinessReport } from './readiness.js';

export interface OpsServerOptions {
  /** `HOST:PORT` or parsed; unix sockets are accepted too. */
  readonly listen: string | ListenAddress;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly readiness: () => ReadinessReport;
  readonly health?: () => boolean;
}

export interface OpsServer {
  readonly server: CorralServer;
  /** The address actually bound (port 0 resolved), e.g. `127.0.0.1:41234`. */
  readonly address: string;
  close(): Promise<void>;
}

function toAddress(listen: string | ListenAddress): ListenAddress {
  if (typeof listen !== 'string') return listen;
  const parsed = parseListenAddress(listen);
  if (!parsed.ok) throw new ListenAddressError(`ops server: ${parsed.error}`);
  return parsed.value;
}

/**
 * Starts a plain HTTP server with only the ops routes (/healthz, /readyz, /metrics), for services whose
 * main protocol is not HTTP (the CSI driver speaks gRPC on a unix socket).
 */
export async function startOpsServer(options: OpsServerOptions): Promise<OpsServer> {
  const address = toAddress(options.listen);
  const server = buildServer({ ...options, bodyLimit: 1024 });
  if (address.kind === 'unix') {
    await server.listen({ path: address.path });
    return { server, address: formatListenAddress(address), close: () => server.close() };
  }
  const bound = await listenTcp(server, address.host, address.port);
  return { server, address: formatListenAddress({ kind: 'tcp', ...bound }), close: () => server.close() };
}
