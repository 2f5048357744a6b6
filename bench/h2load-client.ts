import { execFile } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * Load runs with h2load (Debian package nghttp2-client), a load generator written in C: its own
 * pauses are far shorter than a Node client's (autocannon's garbage collection and timers showed in
 * every latency it measured on this VM). HTTP/1.1 over TLS, keep-alive, one request in flight per
 * connection; `rate` paces each connection at rate / connections requests per second. Latencies are
 * read from h2load's per-request log (start, status, µs until the end of the response).
 */

const run = promisify(execFile);

export interface LoadResult {
  readonly requests: number;
  readonly rps: number;
  /** Milliseconds, from the per-request log. */
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
  readonly non2xx: number;
}

export interface LoadOptions {
  readonly url: string;
  readonly body: string;
  readonly connections: number;
  readonly seconds: number;
  /** Total requests per second over all connections; unset = as fast as the server answers. */
  readonly rate?: number;
  /** Scratch directory for the body and the log. */
  readonly dir: string;
  /** Prefix for the command, e.g. `['taskset', '-c', '0']`. */
  readonly wrap?: readonly string[];
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
}

/** One h2load run; throws with h2load's output when it fails. */
export async function h2load(options: LoadOptions): Promise<LoadResult> {
  const bodyFile = join(options.dir, 'h2load-body.json');
  const logFile = join(options.dir, 'h2load.log');
  writeFileSync(bodyFile, options.body);
  rmSync(logFile, { force: true });
  const pace = options.rate === undefined ? [] : ['--rps', String(options.rate / options.connections)];
  const args = [
    'h2load',
    '--h1',
    ...['-c', String(options.connections), '-D', String(options.seconds)],
    ...pace,
    ...['-d', bodyFile, '-H', 'content-type: application/json', '--log-file', logFile],
    options.url,
  ];
  const [command = 'h2load', ...rest] = [...(options.wrap ?? []), ...args];
  const { stdout } = await run(command, rest, { maxBuffer: 1 << 20 });
  const lines = readFileSync(logFile, 'utf8').trim().split('\n');
  const latencies: number[] = [];
  let non2xx = 0;
  for (const line of lines) {
    const [, status, micros] = line.split('\t');
    if (!status?.startsWith('2')) non2xx += 1;
    latencies.push(Number(micros) / 1000);
  }
  latencies.sort((a, b) => a - b);
  const failed = Number(/(\d+) failed/.exec(stdout)?.[1] ?? Number.NaN);
  const errored = Number(/(\d+) errored/.exec(stdout)?.[1] ?? Number.NaN);
  return {
    requests: lines.length,
    rps: lines.length / options.seconds,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    errors: failed + errored,
    non2xx,
  };
}
