/** Where a command writes, injectable so tests read what a user would see. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** All of standard input as text (`corral check -f -`); absent where there is none to read. */
  readonly readStdin?: () => Promise<string>;
}

/**
 * A command returns its exit code: 0 ok, 1 a finding (e.g. a denial), 2 a usage or input error, and
 * any failure that is not a finding (runCli turns an unexpected error into 2, never 1).
 */
export type Command = (args: readonly string[], io: CliIo) => Promise<number>;

export const EXIT_OK = 0;
export const EXIT_FINDING = 1;
export const EXIT_USAGE = 2;
