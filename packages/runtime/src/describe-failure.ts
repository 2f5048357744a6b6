/**
 * A failure as readable text for a command line, its causes included (at most five):
 * `cannot load x: EACCES: permission denied, open 'x'`. With `oneLine`, line breaks inside the
 * messages become spaces.
 */
export function describeFailure(error: unknown, options: { readonly oneLine?: boolean } = {}): string {
  const parts: string[] = [];
  let current: unknown = error;
  while (current instanceof Error && parts.length < 5) {
    parts.push(current.message);
    current = current.cause;
  }
  if (parts.length === 0) parts.push(String(error));
  const text = parts.join(': ');
  return options.oneLine === true ? text.replace(/\s*\n\s*/g, ' ') : text;
}
