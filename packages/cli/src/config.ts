import type { CliIo } from './io.js';

/**
 * Writes text to `stream` until the stream fails (EPIPE when its reader went away: `corral check … |
 * head -1`), then drops it. Without a listener the failure would be an unhandled 'error' event: a
 * stack trace, and an exit code that is not the command's.
 */
function writerOf(stream: NodeJS.WritableStream): (text: string) => void {
  let closed = false;
  stream.on('error', () => {
    closed = true;
  });
  return (text) => {
    if (!closed) stream.write(text);
  };
}

/** All of `stream` as UTF-8 text, read only when asked for (`corral check -f -`). */
async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/** The one place the command line reads its process environment. */
export function processIo(): CliIo {
  return {
    stdout: writerOf(process.stdout),
    stderr: writerOf(process.stderr),
    env: process.env,
    cwd: process.cwd(),
    readStdin: () => readAll(process.stdin),
  };
}
