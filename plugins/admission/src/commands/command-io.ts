/** What a subcommand may touch: its output streams, the environment and the working directory. */
export interface CommandIo {
  stdout(text: string): void;
  stderr(text: string): void;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

export type Command = (args: readonly string[], io: CommandIo) => Promise<number>;

/** A failure as one readable text, causes included. */
export function describeFailure(err: unknown): string {
  const parts: string[] = [];
  let current: unknown = err;
  while (current instanceof Error && parts.length < 5) {
    parts.push(current.message);
    current = current.cause;
  }
  if (parts.length === 0) parts.push(String(err));
  return parts.join(': ');
}
