/**
 * The gRPC interceptor chain, one job per wrapper (STYLE.md #4), composed in `serveUnary`:
 *   withRequestId → withLogging → withMetrics → withCatchAll → handler
 * - withRequestId: a request id (the caller's `x-request-id` metadata, or a new UUID), a child logger,
 *   and the call's end as a signal, built only for a handler that asks for it (call-signal.ts).
 * - withLogging: one line per call (rpc, code, ms, the request without secrets); warn when slow/failed.
 * - withMetrics: operations by RPC and code, and latency.
 * - withCatchAll: every throw becomes the status `grpcStatusFor` prescribes (INTERNAL when unknown).
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '@corral/runtime';
import {
  status,
  type Metadata,
  type sendUnaryData,
  type ServerUnaryCall,
  type ServiceError,
} from '@grpc/grpc-js';
import { grpcStatusFor, type WireStatus } from '../errors.js';
import { callEnd, type CallEnd } from './call-signal.js';
import type { CsiMetrics } from './csi-metrics.js';
import { stripSecrets } from './strip-secrets.js';

export interface CallContext {
  readonly rpc: string;
  readonly requestId: string;
  readonly log: Logger;
  /**
   * The call's end: a signal aborted when the caller gives up (cancel, or shortly before its
   * deadline: call-signal.ts). Built on the first ask, as few handlers wait on background work.
   */
  readonly endSignal?: () => AbortSignal;
}

export type Handler<Req, Res> = (request: Req, ctx: CallContext) => Promise<Res>;

export type Outcome<Res> =
  | { readonly ok: true; readonly value: Res }
  | { readonly ok: false; readonly status: WireStatus; readonly err: unknown };

type Step<Req, Res> = (request: Req, ctx: CallContext) => Promise<Outcome<Res>>;

export function withCatchAll<Req, Res>(handler: Handler<Req, Res>): Step<Req, Res> {
  return async (request, ctx) => {
    try {
      return { ok: true, value: await handler(request, ctx) };
    } catch (err) {
      return { ok: false, status: grpcStatusFor(err, ctx.rpc), err };
    }
  };
}

export function withMetrics<Req, Res>(metrics: CsiMetrics | undefined, next: Step<Req, Res>): Step<Req, Res> {
  if (!metrics) return next;
  return async (request, ctx) => {
    const end = metrics.duration.startTimer({ rpc: ctx.rpc });
    const outcome = await next(request, ctx);
    const code = status[outcome.ok ? status.OK : outcome.status.code] ?? 'UNKNOWN';
    end({ code });
    metrics.operations.inc({ rpc: ctx.rpc, code });
    return outcome;
  };
}

export function withLogging<Req, Res>(slowMs: number, next: Step<Req, Res>): Step<Req, Res> {
  return async (request, ctx) => {
    const started = performance.now();
    const outcome = await next(request, ctx);
    const ms = Math.round(performance.now() - started);
    const fields = { rpc: ctx.rpc, ms, request: stripSecrets(request) };
    if (outcome.ok) {
      if (ms >= slowMs) ctx.log.warn({ ...fields, code: 'OK', slow: true }, 'slow CSI call');
      else ctx.log.info({ ...fields, code: 'OK' }, 'CSI call');
      return outcome;
    }
    const code = status[outcome.status.code];
    const err = outcome.err instanceof Error ? outcome.err : undefined;
    if (outcome.status.code === status.INTERNAL) ctx.log.error({ ...fields, code, err }, 'CSI call failed');
    else ctx.log.warn({ ...fields, code, message: outcome.status.details }, 'CSI call refused');
    return outcome;
  };
}

export function withRequestId<Req, Res>(
  rpc: string,
  logger: Logger,
  next: Step<Req, Res>,
): (request: Req, metadata: Metadata, endSignal?: () => AbortSignal) => Promise<Outcome<Res>> {
  return (request, metadata, endSignal) => {
    const given = metadata.get('x-request-id')[0];
    const requestId = typeof given === 'string' && given.length <= 128 ? given : randomUUID();
    const log = logger.child({ requestId });
    return next(request, { rpc, requestId, log, ...(endSignal ? { endSignal } : {}) });
  };
}

export interface ChainOptions {
  readonly logger: Logger;
  readonly metrics?: CsiMetrics;
  readonly slowOpMs: number;
}

/** Wraps one RPC handler in the chain and adapts it to grpc-js. The one place the chain is composed. */
export function serveUnary<Req, Res>(rpc: string, handler: Handler<Req, Res>, options: ChainOptions) {
  const chain = withRequestId(
    rpc,
    options.logger,
    withLogging(options.slowOpMs, withMetrics(options.metrics, withCatchAll(handler))),
  );
  return (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>): void => {
    let end: CallEnd | undefined;
    let answered = false;
    // Asked after the answer (by work the handler left running), the call is over: aborted, and
    // nothing is left watching the call.
    const endSignal = () =>
      answered ? AbortSignal.abort(new Error('the call was answered')) : (end ??= callEnd(call)).signal;
    void chain(call.request, call.metadata, endSignal).then((outcome) => {
      answered = true;
      end?.release();
      if (outcome.ok) {
        callback(null, outcome.value);
        return;
      }
      const error: Partial<ServiceError> = { code: outcome.status.code, details: outcome.status.details };
      callback(error);
    });
  };
}
