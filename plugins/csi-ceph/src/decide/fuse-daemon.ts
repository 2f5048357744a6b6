/**
 * Is a process, by its argument list (`/proc/<pid>/cmdline`), the rbd-fuse daemon serving `dir`?
 * rbd-fuse takes its mount point as the last argument (effects/node/fuse-mounter.ts starts it so).
 */
export function servesDirectory(argv: readonly string[], dir: string): boolean {
  const program = argv[0] ?? '';
  const name = program.slice(program.lastIndexOf('/') + 1);
  return name === 'rbd-fuse' && argv.length > 1 && argv[argv.length - 1] === dir;
}

/** The arguments of a `/proc/<pid>/cmdline` text (NUL-separated, NUL-terminated). */
export function argvOf(cmdline: string): string[] {
  const parts = cmdline.split('\0');
  if (parts[parts.length - 1] === '') parts.pop();
  return parts;
}
