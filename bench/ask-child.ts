import { execFileSync, type ChildProcess } from 'node:child_process';

/** Talking to the bench server processes: ask one a question, pin one to a CPU, stop one. */

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
