import { watch, type FSWatcher } from 'node:fs';
import { stat } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface WatchOptions {
  /** Quiet time after the last file event before `onChange` runs. */
  readonly debounceMs: number;
  /** Polling interval: catches what fs.watch misses (network filesystems, some ConfigMap updates). */
  readonly pollIntervalMs: number;
}

export interface PathWatcher {
  close(): void;
}

/**
 * Calls `onChange` (debounced) when something under `path` may have changed: fs.watch on the
 * folder (or on the file's folder, since editors replace files by renaming), plus a poll. The
 * callback decides whether anything really changed.
 */
export async function watchPath(
  path: string,
  onChange: () => void,
  options: WatchOptions,
): Promise<PathWatcher> {
  let timer: NodeJS.Timeout | undefined;
  const trigger = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(onChange, options.debounceMs);
    timer.unref();
  };
  const info = await stat(path);
  const folder = info.isDirectory() ? path : dirname(path);
  const watcher = openWatcher(folder, trigger);
  const poll = setInterval(onChange, options.pollIntervalMs);
  poll.unref();
  return {
    close() {
      watcher?.close();
      clearInterval(poll);
      if (timer) clearTimeout(timer);
    },
  };
}

function openWatcher(folder: string, trigger: () => void): FSWatcher | undefined {
  try {
    const watcher = watch(folder, { recursive: true, persistent: false }, trigger);
    // Errors (the folder vanished, too many watches) leave the poll in charge.
    watcher.on('error', () => watcher.close());
    return watcher;
  } catch {
    return undefined;
  }
}
