import type { Logger } from 'pino';
import { ShutdownStepError } from '../errors.js';
import type { ShutdownStep } from './on-shutdown.js';

/** How long undoing a failed start may take by default before the start's error goes on regardless. */
export const UNDO_START_TIMEOUT_MS = 10_000;

/**
 * What a service's start has started so far (informers, leader election, servers, timers), so that
 * a later step that fails (the listen: its port taken) can stop them before the error goes on.
 */
export class StartedParts {
  private readonly steps: ShutdownStep[] = [];

  /** Records how to stop `part`, which was just started; returns `part`. */
  add<T>(name: string, part: T, stop: (part: T) => unknown): T {
    this.steps.push({ name, run: () => stop(part) });
    return part;
  }

  /**
   * Stops everything recorded, newest first. A stop that throws is logged and the rest still run;
   * past `timeoutMs` the undo gives up waiting (logged), so that a stop that hangs cannot hold the
   * start's error back.
   */
  async undo(logger: Logger, timeoutMs: number = UNDO_START_TIMEOUT_MS): Promise<void> {
    const steps = this.steps.splice(0).reverse();
    let pending: string | undefined;
    const run = async (): Promise<boolean> => {
      for (const step of steps) {
        pending = step.name;
        try {
          await step.run();
        } catch (cause) {
          logger.error({ err: new ShutdownStepError(step.name, cause) }, 'failed start: a stop failed');
        }
      }
      return true;
    };
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const finished = await Promise.race([run(), deadline]);
    clearTimeout(timer);
    if (!finished)
      logger.error({ pendingStep: pending, timeoutMs }, 'failed start: stopping what it started timed out');
  }
}

/**
 * Runs a service's start with a record of what it starts. If the start throws, stops what it had
 * started (newest first), then rethrows the start's error: a failed start leaves no informer, watch,
 * timer or server running in the process.
 */
export async function startOrUndo<T>(
  logger: Logger,
  start: (started: StartedParts) => Promise<T>,
  options: { readonly timeoutMs?: number } = {},
): Promise<T> {
  const started = new StartedParts();
  try {
    return await start(started);
  } catch (error) {
    await started.undo(logger, options.timeoutMs);
    throw error;
  }
}
