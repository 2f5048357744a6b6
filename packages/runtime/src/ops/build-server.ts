import type { Server as TlsServer } from 'node:tls';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { fastify, type FastifyBaseLogger, type FastifyInstance, type RawServerBase } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { lazyChildLogger } from '../log/lazy-child-logger.js';
import type { Metrics } from '../metrics/create-metrics.js';
import { readClientCa } from '../tls/client-ca.js';
import { readKeyPair, type KeyPairFiles } from '../tls/key-pair.js';
import { reloadTlsOnChange, type TlsReloader } from '../tls/tls-reloader.js';
import type { ReadinessReport } from './readiness.js';
import { closeKeepAliveWhenClosing } from './close-keep-alive.js';
import { closeStalledConnectionsWhenClosing } from './close-stalled-connections.js';
import { closeConnectionsOnClientCaChange } from './close-untrusted-connections.js';
import { DEFAULT_MAX_CONNECTIONS, limitConnections } from './limit-connections.js';
import { requestIdGenerator } from './request-id.js';
import { ServerLogController } from './server-log-controller.js';
import { OPS_ROUTES, withOps } from './with-ops.js';
import { useFastJsonBodies } from './json-body.js';
import { onEveryResponse } from './on-every-response.js';
import { requestLogging } from './with-request-logging.js';
import { requestMetrics } from './with-request-metrics.js';

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
  /**
   * A CA bundle (PEM): the server then asks each client for a certificate and verifies it against
   * the bundle, but accepts the connection either way (probes and scrapes present none); routes that
   * need a verified client check it with `requireClientCertificate`. Reloaded with the pair; a
   * reloaded bundle that no longer verifies a connection's certificate closes that connection (after
   * the response in flight), and requests arriving on it meanwhile are refused as untrusted.
   */
  readonly clientCaFile?: string;
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
  /**
   * Abort requests taking longer than this to arrive; default 30 s. Over HTTPS, also the time a new
   * connection has to finish its TLS handshake (TLS's own default, 120 s, let a client that connects
   * and sends nothing hold a connection four times as long as a slow request).
   */
  readonly requestTimeoutMs?: number;
  /**
   * The service's high-rate routes (e.g. webhooks), logged like the ops routes: at debug when they
   * succeed in time, at info when slower than `slowRequestMs`, at warn/error when they fail.
   */
  readonly quietRoutes?: readonly string[];
  /** See quietRoutes; default 1 s. */
  readonly slowRequestMs?: number;
  /**
   * Most connections held at once (see limitConnections); default 1024. One more is closed as soon
   * as it is accepted and counted in `metrics.httpConnectionsDropped`.
   */
  readonly maxConnections?: number | undefined;
}

const ONE_MIB = 1024 * 1024;

/**
 * How long an idle keep-alive connection stays open: longer than the 90 s for which Go clients
 * (kube-apiserver calling webhooks, kube-scheduler calling the extender; client-go takes
 * http.DefaultTransport's IdleConnTimeout) keep one for reuse, so that they close it first. Closed
 * first by the server (fastify's default is 72 s), it can be picked for a POST at that very moment, and
 * Go does not retry a POST: the call fails with EOF, and the webhook's failurePolicy refuses the object.
 */
const KEEP_ALIVE_MS = 120_000;

/**
 * Builds a service's fastify server. This is the ONE place where cross-cutting concerns are composed,
 * in this order: the connection limit (limitConnections), JSON bodies (fastJsonBodyParser), closing
 * connections on shutdown (keep-alive ones after their response: closeKeepAliveWhenClosing; the
 * others once no request is in flight, and those whose body is still arriving after a grace:
 * closeStalledConnectionsWhenClosing), request logging and request metrics (one response hook), ops
 * routes (/healthz, /readyz, /metrics), and (for HTTPS) certificate reload, with the client CA if any
 * (closing the connections a reloaded CA no longer trusts: closeConnectionsOnClientCaChange).
 * Register the service's own routes on the returned instance.
 */
export function buildServer(options: BuildServerOptions): CorralServer {
  const keyPair = options.https ? readKeyPair(options.https) : undefined;
  const caFile = options.https?.clientCaFile;
  const clientCa = caFile === undefined ? undefined : readClientCa(caFile);
  // Verified, not required: the TLS handshake succeeds without a trusted certificate, and
  // `socket.authorized` tells the routes whether the client presented one.
  const clientAuth = clientCa ? { ca: clientCa.pem, requestCert: true, rejectUnauthorized: false } : {};
  const requestTimeout = options.requestTimeoutMs ?? 30_000;
  const app = fastify({
    loggerInstance: options.logger,
    // Fastify's request lines off (requestLogging writes one per request), its 5xx error lines on.
    logController: new ServerLogController(),
    // The caller's x-request-id is read by the generator, which keeps it only when it is sane.
    requestIdHeader: false,
    genReqId: requestIdGenerator(),
    // Each request's child logger (carrying reqId) is made only if the request logs.
    childLoggerFactory: (logger, bindings, childOptions) =>
      lazyChildLogger(logger as Logger, bindings, childOptions),
    bodyLimit: options.bodyLimit ?? ONE_MIB,
    requestTimeout,
    keepAliveTimeout: KEEP_ALIVE_MS,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    ...(keyPair
      ? { https: { cert: keyPair.cert, key: keyPair.key, handshakeTimeout: requestTimeout, ...clientAuth } }
      : {}),
  }).withTypeProvider<TypeBoxTypeProvider>() as unknown as CorralServer;
  limitConnections(
    app.server,
    options.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
    options.metrics.httpConnectionsDropped,
  );
  useFastJsonBodies(app as unknown as FastifyInstance);
  closeKeepAliveWhenClosing(app as unknown as FastifyInstance);
  closeStalledConnectionsWhenClosing(app as unknown as FastifyInstance);

  // Added at once (not as deferred plugins, since they attach to each route as it is registered),
  // and together: one hook per request for both.
  onEveryResponse(
    app as unknown as FastifyInstance,
    requestLogging({
      quietRoutes: [...OPS_ROUTES, ...(options.quietRoutes ?? [])],
      ...(options.slowRequestMs === undefined ? {} : { slowRequestMs: options.slowRequestMs }),
    }),
    requestMetrics({ histogram: options.metrics.httpRequestDuration }),
  );
  app.register(withOps, {
    registry: options.metrics.registry,
    readiness: options.readiness,
    health: options.health,
  });

  if (options.https && keyPair) {
    const https = options.https;
    const server = app.server as TlsServer;
    const onClientCaChange = clientCa ? closeConnectionsOnClientCaChange(server) : undefined;
    let reloader: TlsReloader | undefined;
    app.addHook('onListen', async () => {
      reloader ??= reloadTlsOnChange({
        ...https,
        server,
        logger: options.logger,
        initial: keyPair,
        ...(clientCa ? { initialClientCa: clientCa } : {}),
        ...(onClientCaChange ? { onClientCaChange } : {}),
      });
    });
    app.addHook('onClose', async () => reloader?.stop());
  }
  return app;
}
