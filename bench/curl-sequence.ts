import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * A sequence of POSTs, one after the other over one keep-alive connection, sent by curl (C, Debian's
 * `curl`): one curl process reads the whole sequence from a config file (`-K`) and reports each
 * transfer's time (`%{time_total}`, request sent to answer read). A Node client's own pauses (its
 * garbage collection, its event loop) land inside the round trips it times; on this VM they added
 * about 1 ms to the p99 of a bare `node:http` server's round trips (bench/extender.bench.ts).
 */

const run = promisify(execFile);

export interface Post {
  readonly url: string;
  /** A file holding the body (JSON). */
  readonly bodyFile: string;
}

export interface Transfer {
  /** Milliseconds from the request's start to the answer's end. */
  readonly ms: number;
  readonly status: number;
}

/** A config line's quoted value (curl's config syntax: backslash escapes inside double quotes). */
const quoted = (value: string) => `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;

/**
 * Sends `posts` in order; answers are read and dropped. `wrap` prefixes the command (e.g. taskset).
 * Throws when curl fails or reports fewer transfers than asked.
 */
export async function curlSequence(
  posts: readonly Post[],
  dir: string,
  wrap: readonly string[] = [],
): Promise<Transfer[]> {
  const config = join(dir, 'curl-sequence.config');
  const blocks = posts.map(({ url, bodyFile }) =>
    [
      `url = ${quoted(url)}`,
      `data-binary = ${quoted(`@${bodyFile}`)}`,
      'header = "content-type: application/json"',
      'output = "/dev/null"',
      'write-out = "%{time_total} %{http_code}\\n"',
      'silent',
      'show-error',
    ].join('\n'),
  );
  writeFileSync(config, `${blocks.join('\nnext\n')}\n`);
  const [command = 'curl', ...rest] = [...wrap, 'curl', '-K', config];
  const { stdout } = await run(command, rest, { maxBuffer: 64 << 20 });
  const transfers = stdout
    .trim()
    .split('\n')
    .map((line) => {
      const [seconds, status] = line.split(' ');
      return { ms: Number(seconds) * 1000, status: Number(status) };
    });
  if (transfers.length !== posts.length)
    throw new Error(`curl reported ${transfers.length} transfers of ${posts.length}`);
  return transfers;
}
