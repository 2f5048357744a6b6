/**
 * Standard input as the `corral` commands read it, as kubectl does (`-f -`): one place for the
 * argument that stands for it, its name in messages, and the reader, shared by `corral check` and
 * `corral explain`.
 */

/** The file argument that stands for standard input, as with kubectl (`-f -`). */
export const STDIN = '-';

/** How standard input is named in messages and sources: `stdin (document 2)`. */
export const STDIN_NAME = 'stdin';

/** A file argument as messages show it: `-` is `stdin`. */
export const shownName = (file: string): string => (file === STDIN ? STDIN_NAME : file);

/** What a command is given to read standard input with; absent where there is none to read. */
export interface StandardInputSource {
  /** All of standard input as text, read once. */
  readonly readStdin?: () => Promise<string>;
}

/**
 * All of standard input as text. Throws, naming `argument` (`-f -`), when the caller gives no
 * standard input to read (a command run in-process, not from the command line).
 */
export async function readStandardInput(io: StandardInputSource, argument: string): Promise<string> {
  if (io.readStdin === undefined) throw new Error(`${argument}: this caller gives no standard input to read`);
  return io.readStdin();
}
