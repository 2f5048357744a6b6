import { execFileSync, fork, type ChildProcess } from 'node:child_process';

/** Talking to the bench server processes: start one, ask one a question, pin one to a CPU, stop one. */

/** Sends a message to a bench server process and waits for its answer carrying `key`. */
export function ask<T>(child: ChildProcess, message: unknown, key: string): Promise<T> {
  return new Promise((resolve) => {
    const listener = (answer: unknown) => {
      if (typeof answer !== 'object' || answer === null || !(key in answer)) return;
      child.off('message', listener);
      resolve((answer as Record<string, T>)[key] as T);
    };
    child.on('message', listener);
    child.send(message as string);
  });
}

/** Pins every thread of a process to one CPU (taskset). */
export function pin(pid: number, cpu: number): void {
  execFileSync('taskset', ['-a', '-p', '-c', String(cpu), String(pid)], { stdio: 'ignore' });
}

/** Asks a server to exit by itself (so a CPU profile gets written), killing it if it does not. */
export async function stopServer(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.send('stop');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

export interface BenchServerOptions {
  /** Node flags after the TypeScript loader's (`--import tsx --conditions corral-source`). */
  readonly nodeFlags?: readonly string[];
  /** Pin every thread of the server to this CPU. */
  readonly cpu?: number;
}

/**
 * Forks a bench server script under tsx and waits for its first IPC message (it sends its port, and
 * whatever else it reports, once it listens); rejects if it exits first.
 */
export async function forkBenchServer<Ready>(
  script: string,
  args: readonly string[],
  options: BenchServerOptions = {},
): Promise<{ child: ChildProcess; ready: Ready }> {
  const child = fork(script, [...args], {
    execArgv: ['--import', 'tsx', '--conditions', 'corral-source', ...(options.nodeFlags ?? [])],
  });
  if (options.cpu !== undefined && child.pid !== undefined) pin(child.pid, options.cpu);
  const ready = await new Promise<Ready>((resolve, reject) => {
    child.once('message', (m) => resolve(m as Ready));
    child.once('exit', (code) => reject(new Error(`${args[0] ?? script} server exited ${code}`)));
  });
  return { child, ready };
}

/** A bench server's CPU time so far (user + system, all threads), in µs. */
export const cpuMicrosOf = (child: ChildProcess) => ask<number>(child, 'cpu', 'cpuMicros');
