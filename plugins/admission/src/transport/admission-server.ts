import type { ClusterSnapshot } from '@corral/cluster';
import {
  buildServer,
  createMetrics,
  type CorralServer,
  type HttpsOptions,
  type Metrics,
  requireClientCertificate,
} from '@corral/runtime';
import type { Logger } from 'pino';
import type { RuleSettings } from '../decide/settings.js';
import { ReservationLedger } from '../effects/reservation-ledger.js';
import type { ReservationStore } from '../effects/reservation-store.js';
import { DeletedObjects } from '../effects/deleted-objects.js';
import { SharedReservations } from '../effects/shared-reservations.js';
import { createAdmissionMetrics, type AdmissionMetrics } from './admission-metrics.js';
import { reviewHandlers } from './review-handlers.js';
import { countedBySnapshot, heldBySnapshot, settleFromSnapshot } from './snapshot-settlement.js';
import { MAX_REVIEW_BYTES, webhookRoutes, type WebhookRoutesOptions } from './webhook-routes.js';

const WEBHOOK_PATHS: readonly string[] = ['/mutate', '/validate'];

export interface AdmissionServerOptions {
  readonly snapshot: ClusterSnapshot;
  readonly settings: RuleSettings;
  readonly logger: Logger;
  readonly readiness: () => { ready: boolean; reasons: readonly string[] };
  /** With `clientCaFile`, /mutate and /validate answer 403 to a caller without a certificate that CA signed. */
  readonly https?: HttpsOptions;
  /** With `https.clientCaFile`: the client certificate must also name this (CN or DNS/URI SAN). */
  readonly clientName?: string;
  /** Most connections served at once (`--max-connections`); default 1024. */
  readonly maxConnections?: number;
  /** Answer every review within this many ms (below the webhooks' timeoutSeconds). */
  readonly deadlineMs: number;
  /** How long a quota reservation is held at most before the snapshot shows its object. */
  readonly reservationTtlMs: number;
  readonly metrics?: Metrics;
  readonly now?: () => number;
  /** Share quota reservations with the other replicas through this store (docs/adr/0009). */
  readonly reservationStore?: ReservationStore;
  /**
   * With a cluster: how long a review of a tenant object waits for its namespace to reach the
   * snapshot before it is refused (review-handlers.ts). 0 or absent: no wait (policy files).
   */
  readonly namespaceWaitMs?: number;
  /** Called after each review is answered (e.g. to record Kubernetes Events on denials). */
  readonly onAnswer?: WebhookRoutesOptions['onAnswer'];
  /** See WebhookRoutesOptions.cohorts (default true: the reviews of a turn run together). */
  readonly cohorts?: boolean;
}

export interface AdmissionServer {
  readonly app: CorralServer;
  readonly metrics: AdmissionMetrics;
  readonly ledger: ReservationLedger;
}

/**
 * The admission service, composed in one place: the runtime's server (request logging, HTTP metrics,
 * /healthz /readyz /metrics, HTTPS with certificate reload), then the webhook route group built from
 * the pure rules, the reservation ledger and the admission metrics; with a client CA, the webhook
 * routes answer 403 to a caller without a certificate it signed (the ops routes stay open).
 */
export function buildAdmissionServer(options: AdmissionServerOptions): AdmissionServer {
  const metrics = options.metrics ?? createMetrics({ service: 'admission' });
  const app = buildServer({
    logger: options.logger,
    metrics,
    readiness: options.readiness,
    bodyLimit: MAX_REVIEW_BYTES,
    // Thousands of reviews a second: each is logged only when it fails or is slow (denials, audits
    // and rule failures get their own line, see webhook-routes.ts).
    quietRoutes: WEBHOOK_PATHS,
    maxConnections: options.maxConnections,
    ...(options.https ? { https: options.https } : {}),
  });
  const ledger = new ReservationLedger({
    ttlMs: options.reservationTtlMs,
    isCounted: countedBySnapshot(options.snapshot),
    stillHeld: heldBySnapshot(options.snapshot),
    ...(options.now ? { now: options.now } : {}),
  });
  // Shared records keep an entry until its TTL (written by any replica's clock): a deleted object's
  // is skipped for twice that.
  const deleted = options.reservationStore
    ? new DeletedObjects({
        ttlMs: 2 * options.reservationTtlMs,
        ...(options.now ? { now: options.now } : {}),
      })
    : undefined;
  const stopSettling = settleFromSnapshot(options.snapshot, ledger, deleted);
  app.addHook('onClose', async () => {
    stopSettling();
  });
  const admissionMetrics = createAdmissionMetrics(metrics.registry);
  const shared = options.reservationStore
    ? new SharedReservations({
        store: options.reservationStore,
        ttlMs: options.reservationTtlMs,
        isCounted: countedBySnapshot(options.snapshot, deleted),
        stillHeld: heldBySnapshot(options.snapshot, deleted),
        ...(options.now ? { now: options.now } : {}),
      })
    : undefined;
  const handlers = reviewHandlers(options.snapshot, options.settings, ledger, shared, {
    ...(options.namespaceWaitMs === undefined ? {} : { namespaceWaitMs: options.namespaceWaitMs }),
  });
  const guard =
    options.https?.clientCaFile === undefined
      ? undefined
      : requireClientCertificate(
          options.clientName === undefined ? {} : { requiredName: options.clientName },
        );
  // The webhooks in a scope of their own, so that the guard leaves the ops routes open.
  app.register(async (webhooks) => {
    if (guard) webhooks.addHook('onRequest', (request, reply) => guard(request, reply));
    await webhooks.register(webhookRoutes, {
      ...handlers,
      deadlineMs: options.deadlineMs,
      metrics: admissionMetrics,
      logger: options.logger,
      ...(options.onAnswer ? { onAnswer: options.onAnswer } : {}),
      ...(options.cohorts === undefined ? {} : { cohorts: options.cohorts }),
    });
  });
  return { app, metrics: admissionMetrics, ledger };
}
