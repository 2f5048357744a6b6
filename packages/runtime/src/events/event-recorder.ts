import type { EventsV1Api, KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { abortableCall } from '../abortable-call.js';
import { monotonicNow, systemClock, type Clock } from '../leader/clock.js';
import { statusOf } from '../leader/lease-client.js';
import { withinDeadline } from '../leader/within-deadline.js';
import { classifyFailure, type ApiFailure } from './api-failure.js';
import {
  eventBody,
  eventKey,
  eventName,
  eventNamespace,
  eventProblem,
  regardingKey,
  seriesPatch,
} from './event-body.js';
import { createEventMetrics, type DropReason, type EventMetrics } from './event-metrics.js';
import type { EventToRecord } from './event-types.js';
import { TokenBuckets } from './token-buckets.js';

/** The two calls the recorder makes (RBAC: create and patch on events.k8s.io events). */
export type EventsApi = Pick<EventsV1Api, 'createNamespacedEvent' | 'patchNamespacedEvent'>;

export interface EventRecorderOptions {
  readonly api: EventsApi;
  /** `reportingController`, a qualified name such as `corral.dev/admission`. */
  readonly controller: string;
  /** `reportingInstance`, e.g. the pod name. */
  readonly instance: string;
  /** Writes waiting at most; more are dropped. Default 256. */
  readonly queueSize?: number;
  /** Repeats within this long of the previous occurrence join its series. Default 10 min. */
  readonly aggregateWindowMs?: number;
  /** Series counts are written at most this often per Event. Default 30 s. */
  readonly seriesFlushMs?: number;
  /** New Events per regarding object: this many at once... Default 10. */
  readonly burst?: number;
  /** ...then one more per this long. Default 60 s. */
  readonly refillMs?: number;
  /** Distinct events and objects remembered at most (bounded memory). Default 4096. */
  readonly maxKeys?: number;
  /** API writes in flight at most. Default 2. */
  readonly concurrency?: number;
  /** A write with no answer after this long is given up (dropped as `api_error`). Default 10 s. */
  readonly callTimeoutMs?: number;
  /** stop() waits at most this long for pending writes; what is left is dropped as `stopped`. Default 5 s. */
  readonly stopTimeoutMs?: number;
  readonly clock?: Clock;
  readonly logger?: Logger;
  readonly registry?: Registry;
}

export interface EventRecorder {
  /** Queues an occurrence; returns at once, never throws, never waits on the API. */
  record(event: EventToRecord): void;
  /** Writes pending series counts now and resolves when nothing is queued or in flight. */
  flush(): Promise<void>;
  /** Refuses further occurrences, then flushes. */
  stop(): Promise<void>;
}

interface Entry {
  readonly key: string;
  readonly namespace: string;
  /** The Event's name; a create answered 409 AlreadyExists picks a fresh one (series patches go to it). */
  name: string;
  count: number;
  lastObserved: number;
  created: boolean;
  /** The count changed since the last series write. */
  dirty: boolean;
  patching: boolean;
  /**
   * The API refused to create this Event (a namespace being terminated, an invalid body...): until
   * then (wall clock), repeats are dropped without asking it again.
   */
  refusedUntil?: number;
}

/** AlreadyExists: an Event of that name exists. */
const CONFLICT = 409;

/** A refusal of the API (403, 422...) is logged as a warning at most this often per HTTP status. */
const REFUSAL_LOG_MS = 600_000;

interface Job {
  readonly entry: Entry;
  readonly create?: EventToRecord;
}

/**
 * Kubernetes Events off the request path: record() only updates memory and queues a write; a small
 * worker pool sends them. The first occurrence of (regarding, type, reason, action, note) creates an
 * Event; repeats within the aggregation window only count, and the count goes out as the Event's
 * `series` (a JSON Patch) at most every seriesFlushMs. New Events are rate-limited per regarding object
 * (token bucket). A full queue, an exhausted bucket or a failed API call drops the occurrence and counts
 * it in `corral_kube_events_dropped_total{reason}`; nothing throws, and nothing is retried but a create
 * answered 409 AlreadyExists, tried once more under a fresh name (names are `<regarding name>.<unique
 * suffix>`, so a clash is rare). A call with no answer is given up after callTimeoutMs (both tries of a
 * create within it); after a 429 (Retry-After) nothing is sent until it has passed;
 * an Event the API refused (403 for a namespace being terminated, 422...) is not asked for again within
 * the aggregation window (repeats are dropped), and refusals are warned about at most once per status
 * per 10 min. stop() waits at most stopTimeoutMs.
 */
class Recorder implements EventRecorder {
  private readonly entries = new Map<string, Entry>();
  private readonly queue: Job[] = [];
  private readonly buckets: TokenBuckets;
  private readonly metrics: EventMetrics | undefined;
  private readonly clock: Clock;
  private inFlight = 0;
  private seq = Math.floor(Math.random() * 1_000_000);
  private stopped = false;
  private failing = false;
  private cancelFlush: (() => void) | undefined;
  private idle: (() => void)[] = [];
  /** No write starts before this (monotonic clock): the API asked us to back off (429 Retry-After). */
  private pausedUntil = 0;
  private cancelResume: (() => void) | undefined;
  /** When a refusal with each HTTP status was last logged as a warning (monotonic clock). */
  private readonly refusalsLogged = new Map<number, number>();

  constructor(private readonly options: EventRecorderOptions) {
    this.clock = options.clock ?? systemClock;
    this.metrics = options.registry ? createEventMetrics(options.registry) : undefined;
    this.buckets = new TokenBuckets({
      burst: options.burst ?? 10,
      refillMs: options.refillMs ?? 60_000,
      maxKeys: this.maxKeys,
    });
  }

  private get maxKeys(): number {
    return this.options.maxKeys ?? 4096;
  }

  private get aggregateWindowMs(): number {
    return this.options.aggregateWindowMs ?? 600_000;
  }

  record(event: EventToRecord): void {
    try {
      this.accept(event);
    } catch (err) {
      this.drop('invalid');
      this.options.logger?.debug({ err }, 'event not recorded');
    }
  }

  private accept(event: EventToRecord): void {
    if (this.stopped) return this.drop('stopped');
    const problem = eventProblem(event);
    if (problem !== undefined) {
      this.options.logger?.debug({ problem, reason: event.reason }, 'event not recorded');
      return this.drop('invalid');
    }
    const now = this.clock.now();
    const key = eventKey(event);
    const seen = this.entries.get(key);
    if (seen?.refusedUntil !== undefined && now < seen.refusedUntil) return this.drop('api_error');
    if (seen && seen.refusedUntil === undefined && now - seen.lastObserved <= this.aggregateWindowMs) {
      seen.count += 1;
      seen.lastObserved = now;
      seen.dirty = true;
      this.entries.delete(key);
      this.entries.set(key, seen);
      return this.armSeriesFlush();
    }
    if (this.queue.length >= (this.options.queueSize ?? 256)) return this.drop('queue_full');
    if (!this.buckets.take(regardingKey(event.regarding), now)) return this.drop('rate_limited');
    const entry: Entry = {
      key,
      namespace: eventNamespace(event),
      name: this.freshName(event),
      count: 1,
      lastObserved: now,
      created: false,
      dirty: false,
      patching: false,
    };
    this.entries.delete(key);
    this.entries.set(key, entry);
    if (this.entries.size > this.maxKeys) this.entries.delete(this.entries.keys().next().value ?? '');
    this.enqueue({ entry, create: event });
  }

  flush(): Promise<void> {
    this.flushSeries();
    return this.whenIdle();
  }

  stop(): Promise<void> {
    this.stopped = true;
    const flushed = this.flush();
    return new Promise<void>((resolve) => {
      const cancel = this.clock.after(this.options.stopTimeoutMs ?? 5_000, () => {
        // Writes still queued are given up; those in flight end by their own deadline.
        for (const _job of this.queue.splice(0)) this.drop('stopped');
        resolve();
      });
      void flushed.then(() => {
        cancel();
        resolve();
      });
    });
  }

  private armSeriesFlush(): void {
    if (this.cancelFlush !== undefined || this.stopped) return;
    this.cancelFlush = this.clock.after(this.options.seriesFlushMs ?? 30_000, () => {
      this.cancelFlush = undefined;
      this.flushSeries();
    });
  }

  /** Queues a series write for every Event whose count changed; those not yet created wait for the next round. */
  private flushSeries(): void {
    this.cancelFlush?.();
    this.cancelFlush = undefined;
    let waiting = false;
    for (const entry of this.entries.values()) {
      if (!entry.dirty) continue;
      if (!entry.created || entry.patching) {
        waiting = true;
        continue;
      }
      if (this.queue.length >= (this.options.queueSize ?? 256)) {
        waiting = true;
        break;
      }
      entry.dirty = false;
      entry.patching = true;
      this.enqueue({ entry });
    }
    if (waiting && !this.stopped) this.armSeriesFlush();
  }

  private enqueue(job: Job): void {
    this.queue.push(job);
    this.pump();
  }

  private pump(): void {
    const paused = this.pausedUntil - monotonicNow(this.clock);
    if (paused > 0) {
      this.cancelResume ??= this.clock.after(paused, () => {
        this.cancelResume = undefined;
        this.pump();
      });
      return;
    }
    while (this.inFlight < (this.options.concurrency ?? 2) && this.queue.length > 0) {
      const job = this.queue.shift() as Job;
      this.inFlight += 1;
      void this.send(job).finally(() => {
        this.inFlight -= 1;
        this.pump();
        if (this.inFlight === 0 && this.queue.length === 0) this.wake();
      });
    }
  }

  private async send(job: Job): Promise<void> {
    const { entry } = job;
    try {
      await withinDeadline(
        this.clock,
        this.options.callTimeoutMs ?? 10_000,
        'Kubernetes Event write',
        job.create ? this.create(entry, job.create) : this.patch(entry),
      );
      this.recovered();
    } catch (err) {
      const failure = classifyFailure(err, this.clock.now());
      if (job.create && failure.kind === 'refused') this.refuse(entry);
      else if (job.create || failure.status === 404) this.forget(entry);
      if (failure.kind === 'throttled') this.pause(failure.retryAfterMs);
      this.noteFailure(err, entry, failure);
      this.drop('api_error');
    } finally {
      entry.patching = false;
    }
  }

  private freshName(event: EventToRecord): string {
    return eventName(event.regarding.name, this.clock.now(), (this.seq += 1));
  }

  /**
   * Creates the Event; a 409 AlreadyExists (its name taken, by another replica or an Event still
   * retained) is tried once more under a fresh name rather than refused.
   */
  private async create(entry: Entry, event: EventToRecord): Promise<void> {
    try {
      await this.createNamed(entry, event);
    } catch (err) {
      if (statusOf(err) !== CONFLICT) throw err;
      entry.name = this.freshName(event);
      await this.createNamed(entry, event);
    }
    entry.created = true;
    this.metrics?.written.inc({ operation: 'create' });
    if (!entry.dirty) return;
    if (this.stopped) this.flushSeries();
    else this.armSeriesFlush();
  }

  private async createNamed(entry: Entry, event: EventToRecord): Promise<void> {
    const body = eventBody(event, {
      name: entry.name,
      controller: this.options.controller,
      instance: this.options.instance,
      nowMs: entry.lastObserved,
    });
    await this.options.api.createNamespacedEvent({ namespace: entry.namespace, body });
  }

  private async patch(entry: Entry): Promise<void> {
    await this.options.api.patchNamespacedEvent({
      name: entry.name,
      namespace: entry.namespace,
      body: seriesPatch(entry.count, entry.lastObserved),
    });
    this.metrics?.written.inc({ operation: 'patch' });
  }

  /** The API refused to create the Event: do not ask again for it within the aggregation window. */
  private refuse(entry: Entry): void {
    if (this.entries.get(entry.key) !== entry) return;
    entry.refusedUntil = this.clock.now() + this.aggregateWindowMs;
    entry.dirty = false;
  }

  /** Starts no write for `ms` (the queue keeps what it holds; more is dropped as `queue_full`). */
  private pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, monotonicNow(this.clock) + ms);
  }

  /** The Event is gone or was never made: the next occurrence creates a new one. */
  private forget(entry: Entry): void {
    if (this.entries.get(entry.key) === entry) this.entries.delete(entry.key);
  }

  private drop(reason: DropReason): void {
    this.metrics?.dropped.inc({ reason });
  }

  private whenIdle(): Promise<void> {
    if (this.inFlight === 0 && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private wake(): void {
    const waiting = this.idle;
    this.idle = [];
    for (const resolve of waiting) resolve();
  }

  /**
   * Logs a failed write without flooding: an outage once until a write succeeds again; a refusal
   * (which says nothing about the API's health) as a warning at most once per REFUSAL_LOG_MS per
   * HTTP status, else at debug level.
   */
  private noteFailure(err: unknown, entry: Entry, failure: ApiFailure): void {
    const context = { err, namespace: entry.namespace, event: entry.name, status: failure.status };
    if (failure.kind === 'refused') {
      const now = monotonicNow(this.clock);
      const last = this.refusalsLogged.get(failure.status);
      const warn = last === undefined || now - last >= REFUSAL_LOG_MS;
      if (warn) this.refusalsLogged.set(failure.status, now);
      this.options.logger?.[warn ? 'warn' : 'debug'](
        context,
        'the API refused a Kubernetes Event; not asking again for it for a while',
      );
      return;
    }
    if (this.failing) return;
    this.failing = true;
    this.options.logger?.warn(
      context,
      failure.kind === 'throttled'
        ? 'the API asked to slow down (Retry-After); pausing Kubernetes Events'
        : 'could not write a Kubernetes Event; dropping events until the API answers',
    );
  }

  private recovered(): void {
    if (!this.failing) return;
    this.failing = false;
    this.options.logger?.info('Kubernetes Events are written again');
  }
}

/** An event recorder; see Recorder. */
export function createEventRecorder(options: EventRecorderOptions): EventRecorder {
  return new Recorder(options);
}

/**
 * The Events API from a kubeconfig (client-node loads only when a cluster is configured). Each HTTP
 * request is aborted after `timeoutMs` (default 10 s, the recorder's call timeout), so that a write
 * the recorder has given up does not hold a connection for ever.
 */
export async function eventsApiFrom(
  kubeConfig: KubeConfig,
  options: { timeoutMs?: number } = {},
): Promise<EventsApi> {
  const { EventsV1Api, Observable } = await import('@kubernetes/client-node');
  const api = kubeConfig.makeApiClient(EventsV1Api);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const call = () => abortableCall(AbortSignal.timeout(timeoutMs), Observable);
  return {
    createNamespacedEvent: (param) => api.createNamespacedEvent(param, call()),
    patchNamespacedEvent: (param) => api.patchNamespacedEvent(param, call()),
  } as EventsApi;
}
