import type { Server } from 'node:net';
import { Type } from '@sinclair/typebox';
import type { Counter } from 'prom-client';
import { ConfigError } from '../errors.js';

/**
 * Default of `--max-connections`: far above what the callers open (kube-apiserver and kube-scheduler
 * keep a few connections per replica to a webhook or an extender), far below what exhausts the
 * process (its file descriptors, the memory of a TLS connection each).
 */
export const DEFAULT_MAX_CONNECTIONS = 1024;

/** `--max-connections`, as both HTTP services take it. */
export const maxConnectionsSchema = () =>
  Type.Integer({
    minimum: 1,
    description:
      'Most connections served at once; one more is closed as soon as it is accepted (counted in corral_http_connections_dropped_total).',
  });

/**
 * Bounds the connections `server` holds at once to `max` (Node's `maxConnections`: counted from the
 * accept, idle keep-alive and TLS handshakes included, for HTTP and HTTPS servers alike). A
 * connection over the limit is closed as soon as it is accepted, before any byte is read or written
 * (the caller sees its connection closed before any answer, or, over HTTPS, before the handshake),
 * and counted in `dropped`. Nothing is added per request. Throws a ConfigError unless `max` is a
 * whole number of at least 1 (Node takes 0 as no limit at all).
 */
export function limitConnections(
  server: Pick<Server, 'maxConnections' | 'on'>,
  max: number,
  dropped: Pick<Counter, 'inc'>,
): void {
  if (!Number.isInteger(max) || max < 1) {
    throw new ConfigError([
      `maxConnections must be a whole number of at least 1 (got ${String(max)}): it bounds the connections served at once`,
    ]);
  }
  server.maxConnections = max;
  server.on('drop', () => dropped.inc());
}
