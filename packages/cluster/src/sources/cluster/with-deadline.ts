import type { Clock } from './clock.js';

/**
 * Runs `fn` with a signal that aborts when `parent` aborts or after `ms`; when the deadline is what
 * ended it, throws `onExpire(err)` instead of the abort error.
 */
export async function withDeadline<T>(
  clock: Clock,
  ms: number,
  parent: AbortSignal,
  onExpire: (err: unknown) => Error,
  fn: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  const onParentAbort = (): void => controller.abort();
  parent.addEventListener('abort', onParentAbort, { once: true });
  if (parent.aborted) controller.abort();
  let expired = false;
  const cancel = clock.setTimeout(() => {
    expired = true;
    controller.abort();
  }, ms);
  try {
    return await fn(controller.signal);
  } catch (err) {
    throw expired ? onExpire(err) : err;
  } finally {
    cancel();
    parent.removeEventListener('abort', onParentAbort);
  }
}
