import { Writable } from 'node:stream';

/**
 * Where a service started by the demo writes its pino JSON lines: kept in memory (the demo's output is
 * its tables, not the services' logs), counted by message so the demo can wait for a service to have
 * done something (e.g. reloaded its policy files), and searchable for errors to show when a step fails.
 */
export class LogTap {
  readonly stream: Writable;
  private readonly lines: Record<string, unknown>[] = [];
  private waiters: { message: string; count: number; resolve: () => void }[] = [];

  constructor(readonly service: string) {
    this.stream = new Writable({
      write: (chunk: Buffer, _encoding, callback) => {
        for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') this.add(line);
        callback();
      },
    });
  }

  /** How many lines carried this `msg` so far. */
  count(message: string): number {
    return this.lines.filter((line) => line['msg'] === message).length;
  }

  /** Resolves once more than `seen` lines carried `msg`; rejects after `timeoutMs`. */
  waitFor(message: string, seen: number, timeoutMs: number): Promise<void> {
    if (this.count(message) > seen) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.resolve !== done);
        reject(new Error(`${this.service} did not log "${message}" within ${timeoutMs} ms`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      this.waiters.push({ message, count: seen, resolve: done });
    });
  }

  /** The `msg` of every warn/error line (what to show when something went wrong). */
  problems(): string[] {
    return this.lines
      .filter((line) => line['level'] === 'warn' || line['level'] === 'error' || line['level'] === 'fatal')
      .map((line) => `${this.service}: ${String(line['msg'])}${describeErr(line['err'])}`);
  }

  private add(raw: string): void {
    let line: Record<string, unknown>;
    try {
      line = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      line = { level: 'info', msg: raw };
    }
    this.lines.push(line);
    const message = line['msg'];
    const ready = this.waiters.filter((w) => w.message === message && this.count(w.message) > w.count);
    this.waiters = this.waiters.filter((w) => !ready.includes(w));
    for (const waiter of ready) waiter.resolve();
  }
}

function describeErr(err: unknown): string {
  const message = (err as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' ? ` (${message})` : '';
}
