import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

/** Is `command` installed (does `command --version` run)? The benches say how to install it when not. */
export async function installed(command: string): Promise<boolean> {
  try {
    await promisify(execFile)(command, ['--version']);
    return true;
  } catch {
    return false;
  }
}
