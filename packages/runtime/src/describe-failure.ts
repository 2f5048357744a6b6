import { redactText } from '@corral/policy';
import { isCorralError } from './errors.js';

/**
 * A failure as readable text for a command line, its causes included (at most five):
 * `cannot load x: EACCES: permission denied, open 'x'`, with secret values redacted as in the logs
 * (stderr goes to the same collectors) in the messages of other libraries' errors; Corral's own say
 * what is wrong with flags and files and hold no secret value (redacting them would take words after
 * `--tls-key:` and the like). With `oneLine`, line breaks inside the messages become spaces.
 */
export function describeFailure(error: unknown, options: { readonly oneLine?: boolean } = {}): string {
  const parts: string[] = [];
  let current: unknown = error;
  while (current instanceof Error && parts.length < 5) {
    parts.push(isCorralError(current) ? current.message : redactText(current.message));
    current = current.cause;
  }
  if (parts.length === 0) parts.push(redactText(String(error)));
  const text = parts.join(': ');
  return options.oneLine === true ? text.replace(/\s*\n\s*/g, ' ') : text;
}

/** Why a service could not start: a Corral error's code first (`EXT_ERR_…: …`), then describeFailure. */
export function describeStartFailure(error: unknown): string {
  return isCorralError(error) ? `${error.code}: ${describeFailure(error)}` : describeFailure(error);
}
