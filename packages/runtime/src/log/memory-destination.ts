import { Writable } from 'node:stream';

export interface MemoryDestination {
  /** Pass as `destination` to `createLogger`. */
  readonly stream: Writable;
  /** Every JSON line written so far, parsed. */
  readonly lines: Record<string, unknown>[];
  /** Every line as written, joined by newlines: for "never contains" assertions. */
  readonly text: () => string;
}

/** An in-memory log destination for tests: log assertions read the lines pino wrote. */
export function memoryDestination(): MemoryDestination {
  const raw: string[] = [];
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
        raw.push(line);
        lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      callback();
    },
  });
  return { stream, lines, text: () => raw.join('\n') };
}
