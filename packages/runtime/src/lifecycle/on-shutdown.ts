import type { Logger } from 'pino';
import { ConfigError, ShutdownStepError, ShutdownTimeoutError } from '../errors.js';
import { drainDelayProblem } from './drain-delay-check.js';

/** One thing to stop, in order: e.g. `http server` → `app.close()`, `informers` → `stop()`. */
export interface ShutdownStep {
  readonly name: string;
  readonly run: () => unknown;
}

/** The slice of `process` shutdown needs; tests pass a fake so vitest is never killed. */
export interface ProcessLike {
  on(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
  off(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
  exit(code: number): void;
}

export interface ShutdownOptions {
  /** Default `['SIGTERM', 'SIGINT']`. */
  readonly signals?: readonly NodeJS.Signals[];
  readonly logger: Logger;
  /** Whole-shutdown deadline; past it the process exits 1. Keep it below the pod's grace period. */
  readonly timeoutMs: number;
  readonly steps: readonly ShutdownStep[];
  /** Marked shutting down first, so /readyz answers 503 while the steps run. */
  readonly readiness?: { markShuttingDown(): void };
  /**
   * Keep serving this long after turning unready, so load balancers stop sending first. Default 0.
   * Counts inside `timeoutMs`, so it must be less than it (onShutdown throws a ConfigError otherwise).
   */
  readonly drainDelayMs?: number;
  /**
   * Called once when shutdown starts, before the drain delay (e.g. closeConnectionsAfterResponse, so
   * clients move their connections elsewhere while this process still answers). A throw is logged.
   */
  readonly onDrain?: () => void;
  readonly process?: ProcessLike;
}

export interface ShutdownHandle {
  /** Runs the shutdown as if `reason` had been received (e.g. on a fatal error); resolves to the exit code. */
  shutdown(reason: string): Promise<number>;
  /** Removes the signal listeners. */
  dispose(): void;
  /**
   * Resolves with the exit code once shutdown has run and the logger flushed, just before the
   * process's `exit` is called (a command returns it; a real process has exited before anyone reads it).
   */
  readonly done: Promise<number>;
}

/** Runs onDrain; returns the exit code it leaves (1 if it threw, logged as a failed step). */
function startDrain(onDrain: (() => void) | undefined, log: Logger): number {
  try {
    onDrain?.();
    return 0;
  } catch (cause) {
    log.error({ err: new ShutdownStepError('drain', cause) }, 'shutdown step failed');
    return 1;
  }
}

/**
 * The longest delay a Node timer keeps: a longer one fires after 1 ms (TimeoutOverflowWarning), which
 * would end the drain at once or time the shutdown out before any step ran. ~24.8 days is never
 * reached in practice (the pod's grace period ends long before), so longer settings wait this long.
 */
const MAX_TIMER_MS = 2_147_483_647;
const timerDelay = (ms: number): number => Math.min(ms, MAX_TIMER_MS);

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, timerDelay(ms)));

/**
 * Installs graceful shutdown. On the first signal: mark unready, call `onDrain`, wait `drainDelayMs`, run the steps in
 * order (a failing step is logged and the rest still run), flush the logger and exit 0 (1 if a step
 * failed). Past `timeoutMs` (drain included) it exits 1; a second signal exits 1 at once. Throws a
 * ConfigError if `drainDelayMs` is not less than `timeoutMs`.
 */
export function onShutdown(options: ShutdownOptions): ShutdownHandle {
  const problem = drainDelayProblem(options.timeoutMs, options.drainDelayMs);
  if (problem !== undefined) throw new ConfigError([problem]);
  const proc: ProcessLike = options.process ?? process;
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  const log = options.logger;
  let started: Promise<number> | undefined;
  let exited = false;
  let pendingStep: string | undefined;
  let finish: (code: number) => void = () => undefined;
  const done = new Promise<number>((resolve) => (finish = resolve));

  const exit = (code: number): void => {
    if (exited) return;
    exited = true;
    log.flush(() => {
      finish(code);
      proc.exit(code);
    });
  };

  const runSteps = async (initialCode: number): Promise<number> => {
    let code = initialCode;
    if (options.drainDelayMs) await sleep(options.drainDelayMs);
    for (const step of options.steps) {
      pendingStep = step.name;
      try {
        await step.run();
      } catch (cause) {
        code = 1;
        log.error({ err: new ShutdownStepError(step.name, cause) }, 'shutdown step failed');
      }
    }
    pendingStep = undefined;
    return code;
  };

  const run = async (reason: string): Promise<number> => {
    log.info({ reason, timeoutMs: options.timeoutMs }, 'shutting down');
    options.readiness?.markShuttingDown();
    const drainCode = startDrain(options.onDrain, log);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<number>((resolve) => {
      timer = setTimeout(() => {
        log.error(
          { err: new ShutdownTimeoutError(options.timeoutMs, pendingStep) },
          'shutdown timed out; exiting',
        );
        resolve(1);
      }, timerDelay(options.timeoutMs));
    });
    const code = await Promise.race([runSteps(drainCode), deadline]);
    clearTimeout(timer);
    // Not after a second signal's exit (1): the steps ran on while the logger flushed, but the
    // process is already leaving with a failure.
    if (code === 0 && !exited) log.info('shutdown complete');
    exit(code);
    return code;
  };

  const shutdown = (reason: string): Promise<number> => {
    if (started === undefined) {
      started = run(reason);
    } else if (!exited) {
      log.warn({ reason, pendingStep }, 'second shutdown request; exiting now');
      exit(1);
    }
    return started;
  };
  const onSignal = (signal: NodeJS.Signals): void => void shutdown(signal);
  for (const signal of signals) proc.on(signal, onSignal);

  return {
    shutdown,
    dispose: () => signals.forEach((signal) => proc.off(signal, onSignal)),
    done,
  };
}
