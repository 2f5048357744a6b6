import type { Logger } from 'pino';
import type { Clock } from './clock.js';

/** How often at most a kind logs the watch events it ignored (the first of each window, then a count). */
export const IGNORED_LOG_WINDOW_MS = 60_000;

/**
 * Logs the watch events a kind ignored (no object, unknown type) without flooding: the first of a
 * window at warn with its reason, the others only counted, their number (`suppressed`) logged with
 * the first one of the next window. A server sending malformed events by the thousand costs one line
 * a minute.
 */
export function ignoredEventsLog(log: Logger, clock: Clock): (reason: string) => void {
  let windowStart = Number.NEGATIVE_INFINITY;
  let suppressed = 0;
  return (reason) => {
    const now = clock.now();
    if (now - windowStart < IGNORED_LOG_WINDOW_MS) {
      suppressed += 1;
      return;
    }
    windowStart = now;
    log.warn(suppressed > 0 ? { reason, suppressed } : { reason }, 'watch event ignored');
    suppressed = 0;
  };
}
