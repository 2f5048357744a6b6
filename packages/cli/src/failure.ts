/** Is the stack trace of an unexpected failure wanted? `CORRAL_DEBUG=1` (any value but empty, 0, false). */
export function wantsStack(env: Readonly<Record<string, string | undefined>>): boolean {
  const value = env['CORRAL_DEBUG'];
  return value !== undefined && !['', '0', 'false'].includes(value.toLowerCase());
}

/**
 * An error as one line, causes included: `cannot load x: EACCES: permission denied, open 'x'`.
 * (@corral/runtime has describeFailure too, but `corral` loads no package at startup: `corral help`
 * must not pay for fastify and the Kubernetes client.)
 */
export function oneLine(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  while (current instanceof Error && parts.length < 5) {
    parts.push(current.message);
    current = current.cause;
  }
  if (parts.length === 0) parts.push(String(error));
  return parts.join(': ').replace(/\s*\n\s*/g, ' ');
}

/**
 * What the command line prints for a failure no command turned into a message: one line, and the
 * stack only when asked for, so that a user sees the reason rather than a trace.
 */
export function describeUnexpected(
  command: string,
  error: unknown,
  env: Readonly<Record<string, string | undefined>>,
): string {
  const head = `corral${command ? ` ${command}` : ''}: ${oneLine(error)}`;
  if (wantsStack(env) && error instanceof Error && error.stack) return `${head}\n${error.stack}\n`;
  return `${head} (CORRAL_DEBUG=1 shows where)\n`;
}
