import { resolve } from 'node:path';
import { readStandardInput, STDIN, STDIN_NAME } from '@corral/runtime';
import { manifestsOfText, readManifests, type ReadManifests } from '../effects/read-manifests.js';
import type { CommandIo } from './command-io.js';

export { shownName } from '@corral/runtime';

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
        ? manifestsOfText(STDIN_NAME, await readStandardInput(io, '-f -'))
        : await readManifests([resolve(io.cwd, file)]);
    objects.push(...found.objects);
    problems.push(...found.problems);
  }
  return { objects, problems };
}
