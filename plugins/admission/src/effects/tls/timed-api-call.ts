import type { ConfigurationOptions, ObservableMiddleware } from '@kubernetes/client-node';
import { ADM_ERR, AdmissionError } from '../../errors.js';

/** Client options for one call that abort its HTTP request when `signal` aborts (abortableCall). */
export type CallOptions = (signal: AbortSignal) => ConfigurationOptions<ObservableMiddleware>;

/**
 * How long one API call of the certificate bootstrap may go unanswered. client-node sets no time
 * limit: a request lost on a half-open connection would hold the reconciliation loop forever.
 */
export const API_CALL_TIMEOUT_MS = 10_000;

/**
 * Runs one API call under a time limit: past `timeoutMs` without an answer its HTTP request is aborted
 * (through `options`, when given) and the call rejects with an error naming `what`.
 */
export async function timedCall<T>(
  what: string,
  timeoutMs: number,
  options: CallOptions | undefined,
  call: (options: ConfigurationOptions<ObservableMiddleware> | undefined) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  const expired = new Promise<never>((_, reject) => {
    controller.signal.addEventListener(
      'abort',
      () => reject(new AdmissionError(ADM_ERR.TLS_BOOTSTRAP, `${what}: no answer within ${timeoutMs} ms`)),
      { once: true },
    );
  });
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    return await Promise.race([call(options?.(controller.signal)), expired]);
  } finally {
    clearTimeout(timer);
  }
}
