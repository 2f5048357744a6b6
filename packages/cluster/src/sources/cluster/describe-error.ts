/** What the cluster source logs and reports of an error: no stack, no headers, no credentials. */
export interface ErrorSummary {
  readonly message: string;
  readonly code?: string;
  readonly statusCode?: number;
}

const SECRETS: readonly [RegExp, string][] = [
  [/(bearer|basic)\s+[^\s"',]+/gi, '$1 [redacted]'],
  [/(\/\/)[^/@\s]+@/g, '$1[redacted]@'],
  [/((?:access_token|token|password)=)[^&\s"']+/gi, '$1[redacted]'],
];

/** Removes bearer/basic credentials, URL user info and token query parameters from a message. */
export function redact(text: string): string {
  return SECRETS.reduce((out, [pattern, replacement]) => out.replace(pattern, replacement), text);
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
