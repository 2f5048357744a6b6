/**
 * What of a node command's output may go into an error: the CSI status message (which the sidecars
 * and kubelet copy into Kubernetes Events a tenant can read) and the driver's log. Ceph's tools echo
 * a key they cannot decode (`auth: failed to decode key '<the key file's contents>'`), so a userKey
 * that is base64 but no cephx key (a key encoded twice, one cut short) would otherwise reach both.
 */
import { REDACTED, redactText } from '@corral/policy';

/**
 * Given a command's output and the secret values the command was given (in a key file, never on
 * the command line), returns the output with every occurrence of each value replaced by
 * `[REDACTED]`, and any other secret-looking text too (cephx keys, `key = …`: see redactText).
 */
export function withoutSecrets(output: string, secrets: readonly string[]): string {
  let text = output;
  for (const secret of secrets) if (secret !== '') text = text.split(secret).join(REDACTED);
  return redactText(text);
}

/**
 * The last `count` non-blank lines of a command's error output, joined with ` | `: Ceph's tools
 * write a blank line after each of theirs, which would otherwise take the room of the reason.
 */
export function lastLines(stderr: string, count = 3): string {
  return stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .slice(-count)
    .join(' | ');
}
