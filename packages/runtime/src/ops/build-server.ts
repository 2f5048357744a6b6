import { randomUUID } from 'node:crypto';
import type { Server as TlsServer } from 'node:tls';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  fastify,
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type RawServerBase,
} from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Metrics } from '../metrics/create-metrics.js';
import { readKeyPair, type KeyPairFiles } from '../tls/key-pair.js';
import { reloadTlsOnChange, type TlsReloader } from '../tls/tls-reloader.js';
import type { ReadinessReport } from './readiness.js';
import { withOps } from './with-ops.js';
import { withRequestLogging } from './with-request-logging.js';
import { withRequestMetrics } from './with-request-metrics.js';

/** The fastify instance every Corral HTTP(S) service builds on, with TypeBox route schemas. */
export type CorralServer = FastifyInstance<
  RawServerBase,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

export interface HttpsOptions extends KeyPairFiles {
  /** Fallback poll period for certificate changes; default 10 s. */
  readonly pollIntervalMs?: number;
}

export interface BuildServerOptions {
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Answers /readyz; pass `readiness.report`. */
  readonly readiness: () => ReadinessReport;
  readonly health?: () => boolean;
  /** Serve HTTPS from these files, reloading them when they change. */
  readonly https?: HttpsOptions;
  /** Largest accepted body in bytes; default 1 MiB. */
  readonly bodyLimit?: number;
  /** Abort requests taking longer than this; default 30 s. */
  readonly requestTimeoutMs?: number;
}

const ONE_MIB = 1024 * 1024;

/**
 * Builds a service's fastify server. This is the ONE place where cross-cutting concerns are composed,
 * in this order: request logging, request metrics, ops routes (/healthz, /readyz, /metrics), and (for
 * HTTPS) certificate reload. Register the service's own routes on the returned instance.
 */
export function buildServer(options: BuildServerOptions): CorralServer {
  const keyPair = options.https ? readKeyPair(options.https) : undefined;
  const app = fastify({
    loggerInstance: options.logger,
    logController: new LogController({ disableRequestLogging: true }),
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    bodyLimit: options.bodyLimit ?? ONE_MIB,
    requestTimeout: options.requestTimeoutMs ?? 30_000,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    ...(keyPair ? { https: { cert: keyPair.cert, key: keyPair.key } } : {}),
  }).withTypeProvider<TypeBoxTypeProvider>() as unknown as CorralServer;

  app.register(withRequestLogging);
  app.register(withRequestMetrics, { histogram: options.metrics.httpRequestDuration });
  app.register(withOps, {
    registry: options.metrics.registry,
    readiness: options.readiness,
    health: options.health,
  });

  if (options.https && keyPair) {
    const https = options.https;
    let reloader: TlsReloader | undefined;
    app.addHook('onListen', async () => {
      const server = app.server as TlsServer;
      reloader ??= reloadTlsOnChange({ ...https, server, logger: options.logger, initial: keyPair });
    });
    app.addHook('onClose', async () => reloader?.stop());
  }
  return app;
}
