import { redactText } from '@corral/policy';

/** What the cluster source logs and reports of an error: no stack, no headers, no credentials. */
export interface ErrorSummary {
  readonly message: string;
  readonly code?: string;
  readonly statusCode?: number;
}

/** The cluster source's marker for a removed secret (its readiness status has always shown this one). */
const CENSOR = '[redacted]';

/**
 * Removes secret values from a message: bearer/basic credentials, URL user info, `token=`-style
 * parameters, secret flags and cephx keys (the shared redactText, the one the service logs use).
 */
export function redact(text: string): string {
  return redactText(text, CENSOR);
}

function field(err: object, name: string): unknown {
  return (err as Record<string, unknown>)[name];
}

/** Given anything thrown, returns a loggable summary with secrets removed. */
export function describeError(err: unknown): ErrorSummary {
  if (!(err instanceof Error)) return { message: redact(String(err)) };
  const code = field(err, 'code');
  const statusCode = field(err, 'statusCode');
  return {
    message: redact(err.message),
    ...(typeof code === 'string' ? { code } : {}),
    ...(typeof statusCode === 'number' ? { statusCode } : {}),
  };
}
