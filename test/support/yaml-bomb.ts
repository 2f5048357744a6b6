/**
 * YAML whose aliases expand to 9^4 nodes (a "billion laughs" in small): what yaml's parser refuses
 * with "Excessive alias count". `key: ` + the nested rows, indented by `indent` spaces, for tests
 * that every reader of YAML reports it in one line instead of throwing.
 */
export function aliasBombRows(indent = 0): string {
  const pad = ' '.repeat(indent);
  const nine = (item: string) => `[${Array(9).fill(item).join(', ')}]`;
  return [
    `${pad}a: &a ${nine('x')}`,
    `${pad}b: &b ${nine('*a')}`,
    `${pad}c: &c ${nine('*b')}`,
    `${pad}d: ${nine('*c')}`,
  ].join('\n');
}
