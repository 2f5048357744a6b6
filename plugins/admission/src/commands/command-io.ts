/** What a subcommand may touch: its output streams, the environment and the working directory. */
export interface CommandIo {
  stdout(text: string): void;
  stderr(text: string): void;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** All of standard input as text (`corral check -f -`); absent where there is none to read. */
  readonly readStdin?: () => Promise<string>;
}

export type Command = (args: readonly string[], io: CommandIo) => Promise<number>;

export { describeFailure } from '@corral/runtime';
