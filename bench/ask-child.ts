import type { ChildProcess } from 'node:child_process';

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
