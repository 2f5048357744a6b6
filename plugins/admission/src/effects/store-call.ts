import { ADM_ERR, AdmissionError } from '../errors.js';
import { abandoned } from './admission-batch.js';

/**
 * One store call (load or save) of a record, never started once `signal` has aborted, and given up
 * (its signal aborted, its answer ignored) after `timeoutMs` or when `signal` aborts meanwhile.
 */
export async function storeCall<T>(
  coordinationKey: string,
  what: 'load' | 'save',
  timeoutMs: number,
  signal: AbortSignal,
  run: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  if (signal.aborted) throw abandoned(coordinationKey, signal.reason);
  const controller = new AbortController();
  const stopped = new Promise<never>((_, reject) => {
    controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true });
  });
  const timer = setTimeout(() => {
    const message = `quota record ${coordinationKey}: ${what} got no answer within ${timeoutMs} ms`;
    controller.abort(new AdmissionError(ADM_ERR.INTERNAL, message));
  }, timeoutMs);
  const onAbort = () => controller.abort(abandoned(coordinationKey, signal.reason));
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    return await Promise.race([run(controller.signal), stopped]);
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
  }
}
