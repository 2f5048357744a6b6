import type { Gauge } from 'prom-client';
import { monotonicNow } from './clock.js';
import {
  electorSettings,
  JITTER,
  type ElectorSettings,
  type LeaderElectionOptions,
} from './elector-options.js';
import { LeaseClient, type ReadLease } from './lease-client.js';
import { createLeaderMetrics } from './leader-metrics.js';
import { nextLeaseStep, releasedRecord, type LeaseStep } from './next-lease-step.js';
import { withinDeadline } from './within-deadline.js';

export interface LeaderElector {
  /** Our `holderIdentity`. */
  readonly identity: string;
  /** `namespace/name` of the Lease. */
  readonly lease: string;
  isLeader(): boolean;
  /** The holder the Lease last showed (possibly us); undefined before the first read or while free. */
  leader(): string | undefined;
  /** Starts trying to acquire, then renewing; no-op when already started. */
  start(): void;
  /**
   * Steps down (onStoppedLeading first), stops the loop and releases the Lease if we hold it. Resolves
   * within the renew deadline plus the retry period even when the API does not answer.
   */
  stop(): Promise<void>;
}

type Attempt = 'ours' | 'other' | 'failed';

/** The content that identifies one version of the lease, even if a server sent no resourceVersion. */
const versionKey = (read: ReadLease) =>
  [
    read.version,
    read.record.holderIdentity,
    read.record.renewTime,
    read.record.leaseTransitions,
    read.record.leaseDurationSeconds,
  ].join('|');

/**
 * Leader election on a coordination.k8s.io/v1 Lease, with kube's semantics. Every retry period it
 * reads the Lease and: creates it when absent; renews it when ours; takes it over when free or when WE
 * have seen it unchanged for its whole duration (our clock, never the remote renewTime); else waits.
 * Writes carry the resourceVersion read, so of two racing candidates one gets 409 and loses. The
 * leader steps down when no renewal succeeded within the renew deadline, measured from the start of
 * its last successful renewal: others wait a whole lease duration (longer) from when they saw that
 * renewal, so the leader has stopped before anyone can take over. After stepping down it stays a
 * candidate. stop() releases the Lease (empty holder, 1 s) so another replica takes over at once.
 * Durations are measured on the monotonic clock (a stepped wall clock changes nothing); an attempt with
 * no answer by the renew deadline is given up, and the release after the retry period. A Lease deleted
 * while another held it counts as held for its duration, and a held Lease never expires sooner than
 * our own duration (next-lease-step.ts).
 */
class Elector implements LeaderElector {
  readonly identity: string;
  readonly lease: string;
  private leading = false;
  private state: 'new' | 'running' | 'stopped' = 'new';
  private observed: { read: ReadLease; key: string; at: number } | undefined;
  private reported: string | undefined;
  private failing = false;
  private cancelTick: () => void = () => undefined;
  private cancelDeadline: () => void = () => undefined;
  private inFlight: Promise<void> = Promise.resolve();
  private stopping: Promise<void> | undefined;
  /** Numbers the attempts: one given up (timed out) may still answer, and is then ignored. */
  private attempts = 0;

  constructor(
    private readonly options: LeaderElectionOptions,
    private readonly settings: ElectorSettings,
    private readonly client: LeaseClient,
    private readonly gauge: Gauge<'lease'> | undefined,
  ) {
    this.identity = settings.identity;
    this.lease = `${options.namespace}/${options.name}`;
  }

  isLeader(): boolean {
    return this.leading;
  }

  leader(): string | undefined {
    return this.reported;
  }

  start(): void {
    if (this.state !== 'new') return;
    this.state = 'running';
    this.gauge?.set({ lease: this.lease }, 0);
    this.schedule(0);
  }

  stop(): Promise<void> {
    if (this.stopping) return this.stopping;
    this.state = 'stopped';
    this.cancelTick();
    if (this.leading) this.stepDown('stopping');
    this.stopping = this.inFlight.then(() => this.release());
    return this.stopping;
  }

  private schedule(ms: number): void {
    this.cancelTick = this.settings.clock.after(ms, () => {
      this.inFlight = this.tick();
    });
  }

  /** Now on the monotonic clock: every duration is measured there, never on the wall clock. */
  private elapsedNow(): number {
    return monotonicNow(this.settings.clock);
  }

  private async tick(): Promise<void> {
    const began = this.elapsedNow();
    const attempt = (this.attempts += 1);
    let outcome: Attempt;
    try {
      // A call that never answers is given up at the renew deadline: a renewal that late would not
      // count anyway, and the loop (and stop()) must go on.
      outcome = await withinDeadline(
        this.settings.clock,
        this.settings.renewDeadlineMs,
        'leader election: Lease request',
        this.attempt(attempt),
      );
      this.recovered();
    } catch (err) {
      this.noteFailure(err);
      outcome = 'failed';
    }
    this.attempts += 1;
    if (this.state !== 'running') return;
    if (outcome === 'ours') this.renewed(began);
    else if (outcome === 'other' && this.leading) this.stepDown('the lease is held by another replica');
    const period = this.settings.retryPeriodMs;
    this.schedule(this.leading ? period : period * (1 + (JITTER - 1) * this.settings.random()));
  }

  private async attempt(attempt: number): Promise<Attempt> {
    const read = await this.client.get();
    if (attempt !== this.attempts) return 'failed';
    if (read) this.observe(read);
    const step = this.nextStep(read);
    if (step.kind === 'wait') return 'other';
    const written =
      step.kind === 'create' || read === undefined
        ? await this.client.create(step.record)
        : await this.client.replace(read, step.record);
    if (written === 'conflict' || attempt !== this.attempts) return 'failed';
    this.observe(written);
    if (step.kind === 'update' && step.takeover)
      this.options.logger?.info(
        { lease: this.lease, previous: read?.record.holderIdentity || undefined },
        'leader election: took over the lease',
      );
    return 'ours';
  }

  /** The step for the Lease as just read (undefined: there is none); durations on the monotonic clock. */
  private nextStep(read: ReadLease | undefined): LeaseStep {
    const now = this.elapsedNow();
    return nextLeaseStep({
      identity: this.identity,
      current: read?.record,
      ...(read === undefined && this.observed ? { lastSeen: this.observed.read.record } : {}),
      observedAt: this.observed?.at ?? now,
      now,
      wallNow: this.settings.clock.now(),
      leaseDurationSeconds: this.settings.leaseDurationMs / 1000,
    });
  }

  private observe(read: ReadLease): void {
    const key = versionKey(read);
    const at = this.observed?.key === key ? this.observed.at : this.elapsedNow();
    this.observed = { read, key, at };
    const holder = read.record.holderIdentity;
    if (holder !== '' && holder !== this.reported) {
      this.reported = holder;
      this.call('onNewLeader', () => this.options.onNewLeader?.(holder));
    }
  }

  private renewed(began: number): void {
    const clock = this.settings.clock;
    const left = began + this.settings.renewDeadlineMs - this.elapsedNow();
    // A renewal that took longer than the deadline proves nothing about the time left: not leading.
    if (left <= 0) {
      if (this.leading) this.stepDown('no renewal succeeded within the renew deadline');
      return;
    }
    this.cancelDeadline();
    this.cancelDeadline = clock.after(left, () => {
      if (this.leading) this.stepDown('no renewal succeeded within the renew deadline');
    });
    if (this.leading) return;
    this.leading = true;
    this.gauge?.set({ lease: this.lease }, 1);
    this.options.logger?.info({ lease: this.lease, identity: this.identity }, 'leader election: leading');
    this.call('onStartedLeading', () => this.options.onStartedLeading?.());
  }

  private stepDown(reason: string): void {
    this.leading = false;
    this.cancelDeadline();
    this.gauge?.set({ lease: this.lease }, 0);
    this.options.logger?.info(
      { lease: this.lease, identity: this.identity, reason },
      'leader election: stopped leading',
    );
    this.call('onStoppedLeading', () => this.options.onStoppedLeading?.(reason));
  }

  private async release(): Promise<void> {
    const read = this.observed?.read;
    if (read === undefined || read.record.holderIdentity !== this.identity) return;
    try {
      const written = await withinDeadline(
        this.settings.clock,
        this.settings.retryPeriodMs,
        'leader election: Lease release',
        this.client.replace(read, releasedRecord(read.record, this.settings.clock.now())),
      );
      if (written !== 'conflict') {
        this.observe(written);
        this.options.logger?.info({ lease: this.lease }, 'leader election: released the lease');
      }
    } catch (err) {
      this.options.logger?.warn({ err, lease: this.lease }, 'leader election: could not release the lease');
    }
  }

  private noteFailure(err: unknown): void {
    if (this.failing) return;
    this.failing = true;
    this.options.logger?.warn({ err, lease: this.lease }, 'leader election: Lease request failed; retrying');
  }

  private recovered(): void {
    if (!this.failing) return;
    this.failing = false;
    this.options.logger?.info({ lease: this.lease }, 'leader election: Lease requests succeed again');
  }

  private call(name: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.options.logger?.error(
        { err, lease: this.lease, callback: name },
        'leader election callback threw',
      );
    }
  }
}

/** A leader elector for one Lease, not yet started (throws ConfigError on unsafe timings). */
export function createLeaderElector(options: LeaderElectionOptions): LeaderElector {
  const settings = electorSettings(options);
  const client = new LeaseClient(options.api, options.namespace, options.name);
  const gauge = options.registry ? createLeaderMetrics(options.registry).isLeader : undefined;
  return new Elector(options, settings, client, gauge);
}

/** Creates a leader elector and starts it. */
export function startLeaderElection(options: LeaderElectionOptions): LeaderElector {
  const elector = createLeaderElector(options);
  elector.start();
  return elector;
}
