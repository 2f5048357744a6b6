import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { ConfigError } from '../errors.js';
import { systemClock, type Clock } from './clock.js';
import type { LeaseApi } from './lease-client.js';

export interface LeaderCallbacks {
  /** This replica now leads: start the work only one replica may do. */
  readonly onStartedLeading?: () => void;
  /**
   * This replica no longer leads (renew deadline passed, the lease was taken, or stop()): stop that
   * work now. Called before the lease can be taken by another replica.
   */
  readonly onStoppedLeading?: (reason: string) => void;
  /** The holder of the lease changed (ourselves included); not called while nobody holds it. */
  readonly onNewLeader?: (identity: string) => void;
}

export interface LeaderElectionOptions extends LeaderCallbacks {
  readonly api: LeaseApi;
  /** The Lease's name, e.g. `corral-admission-status-writer`. */
  readonly name: string;
  readonly namespace: string;
  /** Who we are in `holderIdentity`; unique per replica. Default `<hostname>_<8 hex>` (hostname = pod name). */
  readonly identity?: string;
  /** How long others wait, after seeing the lease unchanged, before taking it. Default 15 s. */
  readonly leaseDurationMs?: number;
  /** The leader steps down when it has not renewed within this since its last successful renewal began. Default 10 s. */
  readonly renewDeadlineMs?: number;
  /** Time between attempts to acquire or renew. Default 2 s (candidates add up to 20% jitter). */
  readonly retryPeriodMs?: number;
  readonly clock?: Clock;
  /** In [0, 1); for the jitter. Default Math.random. */
  readonly random?: () => number;
  readonly logger?: Logger;
  /** Registers `corral_leader_is_leader{lease}` here. */
  readonly registry?: Registry;
}

export interface ElectorSettings {
  readonly identity: string;
  readonly leaseDurationMs: number;
  readonly renewDeadlineMs: number;
  readonly retryPeriodMs: number;
  readonly clock: Clock;
  readonly random: () => number;
}

/** Jitter factor of a candidate's retry period (kube uses 1.2). */
export const JITTER = 1.2;

export const LEADER_DEFAULTS = {
  leaseDurationMs: 15_000,
  renewDeadlineMs: 10_000,
  retryPeriodMs: 2_000,
} as const;

export function defaultIdentity(): string {
  return `${hostname()}_${randomBytes(4).toString('hex')}`;
}

function settingsProblems(options: LeaderElectionOptions, settings: ElectorSettings): string[] {
  const problems: string[] = [];
  if (options.name === '') problems.push('leader election: the Lease name is empty');
  if (options.namespace === '') problems.push('leader election: the Lease namespace is empty');
  if (settings.identity === '') problems.push('leader election: the identity is empty');
  if (settings.leaseDurationMs < 1000 || settings.leaseDurationMs % 1000 !== 0)
    problems.push('leader election: the lease duration must be whole seconds, at least 1 s');
  if (settings.renewDeadlineMs >= settings.leaseDurationMs)
    problems.push('leader election: the renew deadline must be shorter than the lease duration');
  if (settings.retryPeriodMs <= 0 || settings.renewDeadlineMs <= JITTER * settings.retryPeriodMs)
    problems.push('leader election: the renew deadline must exceed 1.2 × the retry period');
  return problems;
}

/**
 * Fills the defaults and checks what safety needs: the leader must give up (renew deadline) before
 * others may take over (lease duration), and must get more than one retry within its deadline.
 */
export function electorSettings(options: LeaderElectionOptions): ElectorSettings {
  const settings: ElectorSettings = {
    identity: options.identity ?? defaultIdentity(),
    leaseDurationMs: options.leaseDurationMs ?? LEADER_DEFAULTS.leaseDurationMs,
    renewDeadlineMs: options.renewDeadlineMs ?? LEADER_DEFAULTS.renewDeadlineMs,
    retryPeriodMs: options.retryPeriodMs ?? LEADER_DEFAULTS.retryPeriodMs,
    clock: options.clock ?? systemClock,
    random: options.random ?? Math.random,
  };
  const problems = settingsProblems(options, settings);
  if (problems.length > 0) throw new ConfigError(problems);
  return settings;
}
