import { resolve } from 'node:path';
import { manifestsOfText, readManifests, type ReadManifests } from '../effects/read-manifests.js';
import { STDIN } from './check-args.js';
import type { CommandIo } from './command-io.js';

/** How standard input is named in messages and sources: `stdin (document 2)`. */
export const STDIN_NAME = 'stdin';

/** A manifest argument as messages show it: `-` is `stdin`. */
export const shownName = (file: string): string => (file === STDIN ? STDIN_NAME : file);

/**
 * The objects of every `-f`, in the order given: files and folders (relative to the working
 * directory), and `-` read from standard input as `kubectl apply -f -` does.
 */
export async function readCheckInput(files: readonly string[], io: CommandIo): Promise<ReadManifests> {
  const objects: ReadManifests['objects'][number][] = [];
  const problems: string[] = [];
  for (const file of files) {
    const found =
      file === STDIN
        ? manifestsOfText(STDIN_NAME, await standardInput(io))
        : await readManifests([resolve(io.cwd, file)]);
    objects.push(...found.objects);
    problems.push(...found.problems);
  }
  return { objects, problems };
}

async function standardInput(io: CommandIo): Promise<string> {
  if (io.readStdin === undefined) throw new Error('-f -: this caller gives no standard input to read');
  return io.readStdin();
}
