const NANOS = 1_000_000_000n;

/** Given a count in nano-units (1 GPU = 1e9), returns it as a person writes it: `2`, `0.5`. */
export function formatCount(nanos: bigint): string {
  if (nanos % NANOS === 0n) return String(nanos / NANOS);
  return String(Number(nanos) / 1e9);
}

/** `1 pod`, `2 pods`. */
export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}
