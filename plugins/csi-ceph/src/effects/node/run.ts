/** Runs node-side programs (rbd-fuse, losetup, mkfs, mount…) with an argument list, never a shell. */
import { execFile } from 'node:child_process';
import { lastLines, withoutSecrets } from '../../decide/command-output.js';
import { CSI_ERR, csiError } from '../../errors.js';

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function run(file: string, args: readonly string[], timeoutMs = 120_000): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: timeoutMs, maxBuffer: 4 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err && typeof (err as NodeJS.ErrnoException).code === 'string') {
        reject(csiError(CSI_ERR.NODE_COMMAND, `${file} cannot be run: ${err.message}`, { cause: err }));
        return;
      }
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * Runs and throws CSI_ERR_NODE_COMMAND (with the end of stderr) on a non-zero exit. `secrets` are
 * values the command reads from a file (a cephx key) and may echo: they never reach the error.
 */
export async function runOk(
  file: string,
  args: readonly string[],
  timeoutMs?: number,
  secrets: readonly string[] = [],
): Promise<string> {
  const result = await run(file, args, timeoutMs);
  if (result.code !== 0) {
    const detail = lastLines(withoutSecrets(result.stderr, secrets));
    throw csiError(CSI_ERR.NODE_COMMAND, `${file} ${args[0] ?? ''} failed (exit ${result.code}): ${detail}`);
  }
  return result.stdout;
}
