import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { monotonicNow, systemClock, type Clock } from '../leader/clock.js';
import { withinDeadline } from '../leader/within-deadline.js';
import { classifyFailure } from './api-failure.js';
import { createEvent, type Created } from './create-event.js';
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
import type { EventsApi } from './events-api.js';
import { TokenBuckets } from './token-buckets.js';
import { WriteFailureLog } from './write-failure-log.js';

export { eventsApiFrom, type EventsApi } from './events-api.js';

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
  /** What the Event reports (a create is sent again from it). */
  readonly event: EventToRecord;
  /** The first occurrence: the Event's `eventTime`, the same in every try of its create. */
  readonly firstObserved: number;
  /**
   * The Event's name, the same in every try of its create (so that a create that landed unanswered
   * is found, not made twice); a fresh one only when the name is held by someone else's Event.
   */
  name: string;
  count: number;
  lastObserved: number;
  /**
   * The API has the Event. False with no write pending: its create failed without a clear answer
   * (no answer, 5xx, 429) and may have landed, or the Event expired; the next write creates it.
   */
  created: boolean;
  /** The count changed since the last series write (or that write failed). */
  dirty: boolean;
  /** A write for this Event is queued or in flight. */
  writing: boolean;
  /**
   * The API refused to create this Event (a namespace being terminated, an invalid body...): until
   * then (wall clock), repeats are dropped without asking it again.
   */
  refusedUntil?: number;
}

/** NotFound: a series patch found no Event (it expired or was deleted). */
const NOT_FOUND = 404;

interface Job {
  readonly entry: Entry;
  /** Create the Event (else: patch its series). */
  readonly create: boolean;
}

/**
 * Kubernetes Events off the request path: record() only updates memory and queues a write; a small
 * worker pool sends them. The first occurrence of (regarding, type, reason, action, note) creates an
 * Event; repeats within the aggregation window only count, and the count goes out as the Event's
 * `series` (a JSON Patch) at most every seriesFlushMs. New Events are rate-limited per regarding object
 * (token bucket). A full queue, an exhausted bucket or a failed API call drops the occurrence and counts
 * it in `corral_kube_events_dropped_total{reason}`; nothing throws, and nothing is retried on its own.
 * An Event keeps one name (`<regarding name>.<unique suffix>`) for all its writes: a create that failed
 * without a clear answer (it may have landed) is sent again, the same, with the next write for that
 * Event, and a 409 AlreadyExists is read back: our own Event is taken as created, someone else's makes
 * us create ours once more under a fresh name (createEvent). Series counts are absolute, so a series
 * patch sent again never double-counts; a failed one is carried by the next flush (a repeat's, or
 * stop()). A series patch answered 404 (the Event expired) creates the Event again at once with the
 * count so far. A call with no answer is given up after callTimeoutMs (every step of a create within
 * it); after a 429 (Retry-After) nothing is sent until it has passed;
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
  private cancelFlush: (() => void) | undefined;
  private idle: (() => void)[] = [];
  /** No write starts before this (monotonic clock): the API asked us to back off (429 Retry-After). */
  private pausedUntil = 0;
  private cancelResume: (() => void) | undefined;
  private readonly failures: WriteFailureLog;

  constructor(private readonly options: EventRecorderOptions) {
    this.clock = options.clock ?? systemClock;
    this.metrics = options.registry ? createEventMetrics(options.registry) : undefined;
    this.failures = new WriteFailureLog(this.clock, options.logger);
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
      event,
      firstObserved: now,
      name: this.freshName(event),
      count: 1,
      lastObserved: now,
      created: false,
      dirty: false,
      writing: true,
    };
    this.entries.delete(key);
    this.entries.set(key, entry);
    if (this.entries.size > this.maxKeys) this.entries.delete(this.entries.keys().next().value ?? '');
    this.enqueue({ entry, create: true });
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

  /**
   * Queues the next write of every Event whose count changed (writeNext); those with a write pending
   * wait for the next round, as do all when the queue is full.
   */
  private flushSeries(): void {
    this.cancelFlush?.();
    this.cancelFlush = undefined;
    let waiting = false;
    for (const entry of this.entries.values()) {
      if (!entry.dirty) continue;
      if (entry.writing || this.queue.length >= (this.options.queueSize ?? 256)) {
        waiting = true;
        continue;
      }
      this.writeNext(entry);
    }
    if (waiting && !this.stopped) this.armSeriesFlush();
  }

  /**
   * Its series when the API has the Event; else its create again, the same body under the same name
   * (the count follows as a series once it is there).
   */
  private writeNext(entry: Entry): void {
    entry.writing = true;
    if (entry.created) entry.dirty = false;
    this.enqueue({ entry, create: !entry.created });
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
    let live = true;
    try {
      const work = job.create ? this.create(entry, () => live) : this.patch(entry);
      const done = await withinDeadline(
        this.clock,
        this.options.callTimeoutMs ?? 10_000,
        'Kubernetes Event write',
        work,
      );
      entry.writing = false;
      this.failures.succeeded();
      if (done === undefined) this.metrics?.written.inc({ operation: 'patch' });
      else this.created(entry, done);
      // The count changed while writing: next round, or at once when stopping (nothing else will).
      if (entry.dirty && this.stopped) this.flushSeries();
      else if (entry.dirty) this.armSeriesFlush();
    } catch (err) {
      // A create given up at its deadline sends nothing more (createEvent asks `live`).
      live = false;
      entry.writing = false;
      this.failed(job, err);
    }
  }

  private freshName(event: EventToRecord): string {
    return eventName(event.regarding.name, this.clock.now(), (this.seq += 1));
  }

  /** Creates the Event under its name, the same body in every try (createEvent handles a 409). */
  private create(entry: Entry, live: () => boolean): Promise<Created> {
    const body = eventBody(entry.event, {
      name: entry.name,
      controller: this.options.controller,
      instance: this.options.instance,
      nowMs: entry.firstObserved,
    });
    return createEvent(this.options.api, entry.namespace, body, {
      live,
      rename: () => (entry.name = this.freshName(entry.event)),
    });
  }

  private created(entry: Entry, done: Created): void {
    entry.created = true;
    entry.name = done.name;
    this.metrics?.written.inc({ operation: 'create' });
    if (done.found)
      this.options.logger?.debug(
        { namespace: entry.namespace, event: entry.name },
        'an earlier create of this Kubernetes Event had landed unanswered; writing its series there',
      );
  }

  private async patch(entry: Entry): Promise<undefined> {
    await this.options.api.patchNamespacedEvent({
      name: entry.name,
      namespace: entry.namespace,
      body: seriesPatch(entry.count, entry.lastObserved),
    });
    return undefined;
  }

  /**
   * A failed write: a patch answered 404 creates the Event again (expired); a refused create is not
   * asked for again for a while; any other create stays pending under its name (it may have landed) and
   * a failed patch leaves the count to the next flush. Counted as dropped (`api_error`) and logged.
   */
  private failed(job: Job, err: unknown): void {
    const { entry } = job;
    const failure = classifyFailure(err, this.clock.now());
    if (!job.create && failure.status === NOT_FOUND) return this.expired(entry);
    if (failure.kind === 'refused') {
      if (job.create) this.refuse(entry);
    } else if (!job.create) entry.dirty = true;
    if (failure.kind === 'throttled') this.pause(failure.retryAfterMs);
    this.failures.failed(err, entry, failure);
    this.drop('api_error');
  }

  /** The API refused to create the Event: do not ask again for it within the aggregation window. */
  private refuse(entry: Entry): void {
    if (this.entries.get(entry.key) !== entry) return;
    entry.refusedUntil = this.clock.now() + this.aggregateWindowMs;
    entry.dirty = false;
  }

  /**
   * The series patch found no Event: the API's TTL removed it (or someone deleted it). It is created
   * again at once, under its name and with the count so far (as client-go does); nothing is dropped.
   * A namespace gone with it makes that create a refusal (404), asked no more for a while.
   */
  private expired(entry: Entry): void {
    entry.created = false;
    entry.dirty = true;
    if (this.entries.get(entry.key) !== entry) return;
    this.options.logger?.debug(
      { namespace: entry.namespace, event: entry.name },
      'a Kubernetes Event expired under its series; creating it again',
    );
    if (this.queue.length < (this.options.queueSize ?? 256)) this.writeNext(entry);
    else this.armSeriesFlush();
  }

  /** Starts no write for `ms` (the queue keeps what it holds; more is dropped as `queue_full`). */
  private pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, monotonicNow(this.clock) + ms);
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
}

/** An event recorder; see Recorder. */
export function createEventRecorder(options: EventRecorderOptions): EventRecorder {
  return new Recorder(options);
}
