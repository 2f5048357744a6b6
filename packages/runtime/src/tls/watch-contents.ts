import { createHash } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface WatchContentsOptions {
  readonly files: readonly string[];
  /** Fallback poll period (fs events are lost on some volumes); default 10 s. */
  readonly pollIntervalMs?: number;
  /** Wait after an fs event before reading, so writers can finish; default 100 ms. */
  readonly debounceMs?: number;
  /** Called with every file's bytes (in `files` order) whenever their combined hash changes. */
  readonly onChange: (contents: readonly Buffer[]) => void | Promise<void>;
  /** Called when the files cannot be read (once per distinct message). */
  readonly onError: (err: unknown) => void;
  /** Hash of the contents already in use, so the first check does not report them as a change. */
  readonly initialHash?: string;
}

export interface ContentsWatcher {
  /** Reads the files now and reports a change if there is one. */
  check(): Promise<void>;
  stop(): void;
}

/** Given file contents, returns the hash `watchContents` compares. */
export function hashContents(contents: readonly Buffer[]): string {
  const hash = createHash('sha256');
  for (const part of contents) hash.update(`${part.length}:`).update(part);
  return hash.digest('hex');
}

/**
 * Watches files for content changes: fs events on their DIRECTORIES (Kubernetes Secret volumes swap a
 * `..data` symlink, which a watch on the file itself never sees) plus a poll as a fallback; reports only
 * when the content hash changes, so touches and duplicate events are ignored.
 */
export function watchContents(options: WatchContentsOptions): ContentsWatcher {
  let lastHash = options.initialHash;
  let lastError: string | undefined;
  let debounce: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  const checkOnce = async (): Promise<void> => {
    let contents: Buffer[];
    try {
      contents = await Promise.all(options.files.map((file) => readFile(file)));
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (message !== lastError) options.onError(err);
      lastError = message;
      return;
    }
    lastError = undefined;
    const hash = hashContents(contents);
    if (hash === lastHash) return;
    lastHash = hash;
    await options.onChange(contents);
  };
  const check = (): Promise<void> => (running = running.then(checkOnce, checkOnce));
  const schedule = (): void => {
    clearTimeout(debounce);
    debounce = setTimeout(() => void check(), options.debounceMs ?? 100);
  };

  const watchers: FSWatcher[] = [];
  for (const dir of new Set(options.files.map((file) => dirname(file)))) {
    try {
      watchers.push(watch(dir, { persistent: false }, schedule).on('error', options.onError));
    } catch (err) {
      options.onError(err);
    }
  }
  const poll = setInterval(() => void check(), options.pollIntervalMs ?? 10_000).unref();

  return {
    check,
    stop() {
      clearInterval(poll);
      clearTimeout(debounce);
      for (const watcher of watchers) watcher.close();
    },
  };
}
