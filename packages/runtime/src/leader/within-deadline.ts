import { CallTimeoutError } from '../errors.js';
import type { Clock } from './clock.js';

/**
 * Settles with `work`, or rejects with a CallTimeoutError after `ms` on `clock`, whichever comes
 * first. A hung API call therefore never stalls a loop or a shutdown: whoever awaits it moves on, and
 * a late answer is ignored. (The HTTP request itself is aborted by the API client's own timeout:
 * leaseApiFrom, eventsApiFrom.)
 */
export function withinDeadline<T>(clock: Clock, ms: number, call: string, work: Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const cancel = clock.after(ms, () => reject(new CallTimeoutError(call, ms)));
    work.then(
      (value) => {
        cancel();
        resolve(value);
      },
      (err: unknown) => {
        cancel();
        reject(err);
      },
    );
  });
}
