import { describe, expect, it } from 'vitest';
import { readStandardInput, shownName, STDIN, STDIN_NAME } from './standard-input.js';

describe('standard input of the corral commands', () => {
  it('given a caller that gives standard input, reads it once', async () => {
    let reads = 0;
    const text = await readStandardInput(
      {
        readStdin: async () => {
          reads += 1;
          return 'kind: Pod\n';
        },
      },
      '-f -',
    );
    expect(text).toBe('kind: Pod\n');
    expect(reads).toBe(1);
  });

  it('given a caller with no standard input, names the argument that asked for it', async () => {
    await expect(readStandardInput({}, 'the pod file -')).rejects.toThrow(
      'the pod file -: this caller gives no standard input to read',
    );
  });

  it('names - as stdin in messages, and any other file as given', () => {
    expect(STDIN).toBe('-');
    expect(shownName('-')).toBe(STDIN_NAME);
    expect(shownName('pods.yaml')).toBe('pods.yaml');
  });
});
