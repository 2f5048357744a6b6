import { requestLogger } from '@corral/runtime';
import type { FastifyPluginAsync } from 'fastify';
import type { Logger } from 'pino';
import { errorBody, httpStatusOf } from '../errors.js';
import {
  cohortSizeObserver,
  countDecisions,
  durationSeries,
  type AdmissionMetrics,
  type Webhook,
} from './admission-metrics.js';
import {
  ClientRefusalSchema,
  ErrorReplySchema,
  ReviewBodySchema,
  ReviewReplySchema,
} from './review-schema.js';
import { parseGoDuration } from './go-duration.js';
import { Cohort } from './cohort.js';
import { answerHalfClosedConnections } from './half-closed-connections.js';
import { kindLabel } from './kind-label.js';
import { answerReview, type Answer, type InnerHandler } from './with-admission.js';
import type { AdmissionRequest } from '../decide/request.js';

export const MAX_REVIEW_BYTES = 3 * 1024 * 1024;

export interface WebhookRoutesOptions {
  readonly mutate: InnerHandler;
  readonly validate: InnerHandler;
  readonly failOpen: (request: AdmissionRequest) => boolean;
  readonly deadlineMs: number;
  readonly metrics: AdmissionMetrics;
  readonly logger: Logger;
  /** Called after each answer is logged and counted (e.g. to record a Kubernetes Event); must not throw. */
  readonly onAnswer?: (webhook: Webhook, answer: Answer) => void;
  /**
   * Run the reviews read in one turn of the event loop together, after that turn's reads (default;
   * cohort.ts), or each one as its request is read (`false`: for benchmarks to compare).
   */
  readonly cohorts?: boolean;
}

function outcomeOf(answer: Answer): string {
  if (answer.failure) return 'error';
  if (!answer.review.response.allowed) return 'denied';
  return answer.review.response.patch ? 'patched' : 'allowed';
}

/**
 * POST /mutate and POST /validate: a sealed route group with its own body limit (3 MiB), error
 * mapping (400 unparseable, 413 too large) and per-review metrics and logging.
 */
export const webhookRoutes: FastifyPluginAsync<WebhookRoutesOptions> = async (app, options) => {
  app.setErrorHandler((err, request, reply) => {
    const status = httpStatusOf(err);
    request.log.warn({ err, status }, 'admission request refused');
    return reply.code(status).send(errorBody(err));
  });
  answerHalfClosedConnections(app.server);
  const route = (webhook: Webhook, inner: InnerHandler) => {
    const durationOf = durationSeries(options.metrics, webhook);
    /** Counts, times and logs an answer; returns the AdmissionReview to send. */
    const finish = (answer: Answer, started: number) => {
      const review = answer.request;
      // A label from the body: only known kinds, or every made-up kind would be a new series.
      const kind = kindLabel(review.kind.kind);
      options.metrics.requestTally.inc({ webhook, kind, outcome: outcomeOf(answer) });
      durationOf(kind).observe((performance.now() - started) / 1000);
      countDecisions(options.metrics, answer.decisions);
      logReview(options.logger, webhook, review, answer);
      options.onAnswer?.(webhook, answer);
      return answer.review;
    };
    const review = (body: unknown, apiTimeoutMs: number | undefined, started: number, arrived: number) => {
      const answer = answerReview(body, inner, options, apiTimeoutMs, arrived);
      return answer instanceof Promise
        ? answer.then((done) => finish(done, started))
        : finish(answer, started);
    };
    const cohort =
      options.cohorts === false ? undefined : new Cohort(cohortSizeObserver(options.metrics, webhook));
    app.post(
      `/${webhook}`,
      {
        bodyLimit: MAX_REVIEW_BYTES,
        schema: {
          body: ReviewBodySchema,
          // 403: a caller without a trusted client certificate (admission-server.ts).
          response: { 200: ReviewReplySchema, 403: ClientRefusalSchema, '4xx': ErrorReplySchema },
        },
      },
      // Not async: the review joins this turn's cohort and its promise is the only one; without
      // cohorts, synchronous rules are answered with no promise at all. fastify sends a returned
      // value, awaits a returned promise, and answers a throw or a rejection by the error handler.
      (request) => {
        const started = performance.now();
        // The API server says how long it waits for this call (`?timeout=10s`): answer before that.
        const timeout = (request.query as { timeout?: unknown } | undefined)?.timeout;
        const apiTimeoutMs = typeof timeout === 'string' ? parseGoDuration(timeout) : undefined;
        if (cohort === undefined) return review(request.body, apiTimeoutMs, started, Date.now());
        const arrived = Date.now(); // the deadline counts the wait for the cohort too
        return cohort.run(() => review(request.body, apiTimeoutMs, started, arrived));
      },
    );
  };
  route('mutate', options.mutate);
  route('validate', options.validate);
};

function logReview(logger: Logger, webhook: Webhook, review: AdmissionRequest, answer: Answer): void {
  const denied = !answer.review.response.allowed;
  const audited = answer.decisions.some((d) => d.audit);
  if (!answer.failure && !denied && !audited) return;
  const name =
    review.name ?? (review.object as { metadata?: { generateName?: string } } | null)?.metadata?.generateName;
  const log = requestLogger(logger, {
    webhook,
    uid: review.uid,
    kind: review.kind.kind,
    namespace: review.namespace,
    name,
    operation: review.operation,
  });
  if (answer.failure)
    log.error({ err: answer.failure }, 'admission rules failed; answered by failure policy');
  else if (denied) log.info({ status: answer.review.response.status }, 'denied');
  if (audited) {
    const rules = answer.decisions.filter((d) => d.audit).map((d) => `${d.rule}: ${d.message}`);
    log.warn({ audit: rules }, 'audit mode: allowed despite policy violations');
  }
}
