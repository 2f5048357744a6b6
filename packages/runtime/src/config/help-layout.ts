/** Total width of a help text line. */
export const HELP_WIDTH = 100;
/** Indent of the paragraphs under a row's head. */
const TEXT_INDENT = 6;
/** Widest head column; a longer head pushes its aside further right. */
const MAX_HEAD_COLUMN = 40;

/** One row of a help listing: the head (`--listen VALUE`), an aside on its line, wrapped paragraphs. */
export interface HelpRow {
  readonly head: string;
  readonly aside?: string;
  readonly paragraphs: readonly string[];
}

/** Given a text and a width, returns its lines, broken at spaces (a longer word keeps its own line). */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

/**
 * Given rows, returns their lines: each head indented by 2 with its aside in a column, then its
 * paragraphs indented by 6 and wrapped at HELP_WIDTH.
 */
export function formatRows(rows: readonly HelpRow[]): string[] {
  const widest = Math.max(0, ...rows.filter((row) => row.aside).map((row) => row.head.length));
  const column = Math.min(widest + 4, MAX_HEAD_COLUMN);
  const indent = ' '.repeat(TEXT_INDENT);
  const out: string[] = [];
  for (const row of rows) {
    const head = `  ${row.head}`;
    out.push(row.aside ? `${head.padEnd(column - 1)} ${row.aside}` : head);
    const lines = row.paragraphs.flatMap((paragraph) => wrap(paragraph, HELP_WIDTH - TEXT_INDENT));
    out.push(...lines.map((line) => indent + line));
  }
  return out;
}
