/** How the two shutdown settings are called where they were given (flags, options). */
export interface ShutdownSettingNames {
  readonly timeout: string;
  readonly drain: string;
}

const OPTION_NAMES: ShutdownSettingNames = { timeout: 'timeoutMs', drain: 'drainDelayMs' };

/**
 * Given the shutdown deadline and drain delay, returns the problem if the drain does not end before the
 * deadline (undefined when fine). The drain counts inside the deadline: a drain as long as the deadline
 * would exit 1 in the middle of it, before a single shutdown step (closing servers, flushing) ran.
 */
export function drainDelayProblem(
  timeoutMs: number,
  drainDelayMs: number | undefined,
  names: ShutdownSettingNames = OPTION_NAMES,
): string | undefined {
  if (drainDelayMs === undefined || drainDelayMs < timeoutMs) return undefined;
  return (
    `${names.drain} (${drainDelayMs}) must be less than ${names.timeout} (${timeoutMs}): the drain ` +
    'counts inside the shutdown timeout, and the shutdown steps need time after it'
  );
}
