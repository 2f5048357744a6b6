/** What a subcommand writes to and reads, injected by the `corral` CLI (and by tests). */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** All of standard input as text (`corral explain -`); absent where there is none to read. */
  readonly readStdin?: () => Promise<string>;
}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
