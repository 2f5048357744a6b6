import { spawn } from 'node:child_process';

/**
 * Runs one command of `scripts/ceph-local.sh` so that a Ctrl-C cannot cut it short halfway: the script
 * gets its own process group, out of reach of the terminal's SIGINT (a `start` killed between
 * launching the mon and the OSD would leave daemons running with nobody to stop them). On abort or
 * timeout the demo ends the whole group itself: the script and whatever it runs in the foreground.
 * Ceph's daemons detach into their own sessions, so only `stop` ends those.
 */
export interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface ScriptRun {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly timeoutMs: number;
  /** Aborting ends the script's process group (SIGTERM). */
  readonly signal?: AbortSignal;
}

/** Exit code of a run that was ended by the demo (abort or timeout), like a shell's 128 + SIGTERM. */
export const ENDED_BY_THE_DEMO = 143;

export function runScript(script: string, command: string, run: ScriptRun): Promise<Ran> {
  if (run.signal?.aborted)
    return Promise.resolve({ code: ENDED_BY_THE_DEMO, stdout: '', stderr: 'interrupted' });
  return new Promise((resolve) => {
    const child = spawn('bash', [script, command], {
      env: { ...run.env },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    let endedBecause: string | undefined;
    const endGroup = (why: string) => {
      endedBecause ??= why;
      if (child.pid !== undefined && child.exitCode === null) signalGroup(child.pid);
    };
    const timer = setTimeout(() => endGroup(`timed out after ${run.timeoutMs} ms`), run.timeoutMs);
    const onAbort = () => endGroup('interrupted');
    run.signal?.addEventListener('abort', onAbort, { once: true });
    const finish = (code: number, extra = '') => {
      clearTimeout(timer);
      run.signal?.removeEventListener('abort', onAbort);
      const text = Buffer.concat(stderr).toString('utf8') + extra;
      resolve({
        code: endedBecause ? ENDED_BY_THE_DEMO : code,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: endedBecause ? `${text}\n${endedBecause}` : text,
      });
    };
    child.on('error', (err) => finish(127, err.message));
    child.on('close', (code) => finish(code ?? ENDED_BY_THE_DEMO));
  });
}

function signalGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {
    // the group is already gone
  }
}
