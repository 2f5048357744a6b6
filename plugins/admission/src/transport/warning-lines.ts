/**
 * An answer's warnings as kube-apiserver passes them on. Each string becomes one HTTP `Warning`
 * header, which kubectl prints on its own `Warning:` line (k8s.io/apiserver `filters/warning.go`), and
 * the API server drops, without a word: a text with a control character (net.NewWarningHeader refuses
 * it), a text it has already recorded for the request (as kubectl does), and whatever comes once the
 * request's warnings pass 4096 runes. So here every line is printable, under 120 characters, unique in
 * the answer, and the lines stay within a share of that budget.
 */

/** The longest line: kubectl shows 120 characters comfortably. */
export const MAX_WARNING = 119;
/** Continuation lines of a long warning start with this. */
export const WARNING_CONTINUATION = '… ';
/** A warning spans at most this many lines; the rest is clipped. */
export const MAX_WARNING_LINES = 4;
/**
 * The characters of warning lines one answer sends: kube-apiserver passes on 4096 runes per request,
 * shared with the other webhooks and its own warnings (e.g. of deprecated fields).
 */
export const MAX_WARNINGS_TOTAL = 3072;

const isControl = (code: number) => code < 0x20 || (code >= 0x7f && code <= 0x9f);
const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;

function controlEscape(code: number): string {
  if (code === 0x0a) return '\\n';
  if (code === 0x09) return '\\t';
  if (code === 0x0d) return '\\r';
  return `\\u${code.toString(16).padStart(4, '0')}`;
}

/** The text with each control character (Go's unicode.IsControl) written as its JSON escape. */
export function printable(text: string): string {
  let index = 0;
  while (index < text.length && !isControl(text.charCodeAt(index))) index++;
  if (index === text.length) return text;
  let out = text.slice(0, index);
  for (; index < text.length; index++) {
    const code = text.charCodeAt(index);
    out += isControl(code) ? controlEscape(code) : text[index];
  }
  return out;
}

/** `at`, or one less where `at` would split a surrogate pair (an emoji) in two. */
const whole = (text: string, at: number) => (isHighSurrogate(text.charCodeAt(at - 1)) ? at - 1 : at);

/** Shortens a warning to the 120 characters kubectl shows comfortably. */
export function clipWarning(text: string): string {
  return text.length <= MAX_WARNING ? text : `${text.slice(0, whole(text, MAX_WARNING - 1))}…`;
}

/** Where to end a line of `rest` at most `room` long: between words, else where it must. */
function cutOf(rest: string, room: number): number {
  const space = rest.lastIndexOf(' ', room);
  return space > room / 2 ? space : whole(rest, room);
}

/** `text` wrapped into lines of at most `width` characters (see warningLines). */
function wrap(text: string, width: number): string[] {
  if (text.length <= width) return [text];
  const lines: string[] = [];
  let rest = text;
  while (rest.length > 0 && lines.length < MAX_WARNING_LINES) {
    const prefix = lines.length === 0 ? '' : WARNING_CONTINUATION;
    const room = width - prefix.length;
    if (rest.length <= room) {
      lines.push(prefix + rest);
      return lines;
    }
    const cut = cutOf(rest, room);
    lines.push(prefix + rest.slice(0, cut));
    rest = rest.slice(cut).trimStart();
  }
  if (rest.length > 0) lines[lines.length - 1] = clipWarning(`${lines.at(-1) ?? ''} ${rest}`);
  return lines;
}

/**
 * A warning as lines under 120 characters each, cut between words, continuation lines marked: the fix
 * at the end of a long message stays readable instead of being clipped away. Past MAX_WARNING_LINES
 * the last line is clipped. Control characters are escaped.
 */
export function warningLines(text: string): string[] {
  return wrap(printable(text), MAX_WARNING);
}

/**
 * warningLines, wrapped narrower where a line would repeat one of `taken` or another of its own (two
 * containers' warnings of one rule often end alike, and the API server would drop the second's
 * ending): a narrower wrap ends its lines elsewhere. When no width avoids it (a text repeating
 * itself), each repeated line is marked ` (2)`, ` (3)`…
 */
function uniqueLines(text: string, taken: ReadonlySet<string>): string[] {
  const usual = warningLines(text);
  if (!repeats(usual, taken)) return usual;
  const clean = printable(text);
  for (let width = MAX_WARNING - 1; width > MAX_WARNING / 2; width--) {
    const lines = wrap(clean, width);
    if (!repeats(lines, taken)) return lines;
  }
  return markRepeats(usual, taken);
}

/** The lines, each that repeats one of `taken` or an earlier one ending ` (n)` (clipped to fit). */
function markRepeats(lines: readonly string[], taken: ReadonlySet<string>): string[] {
  const seen = new Set(taken);
  return lines.map((line) => {
    let out = line;
    for (let n = 2; seen.has(out); n++) {
      const mark = ` (${n})`;
      out = line.slice(0, whole(line, Math.min(line.length, MAX_WARNING - mark.length))) + mark;
    }
    seen.add(out);
    return out;
  });
}

/** Does a line repeat one of `taken` or an earlier one of `lines`? */
function repeats(lines: readonly string[], taken: ReadonlySet<string>): boolean {
  return lines.some((line, index) => taken.has(line) || lines.indexOf(line) !== index);
}

const omittedLine = (count: number) =>
  `… ${count} more warning${count === 1 ? '' : 's'} not shown (the API server passes on 4 KiB of them); ` +
  'fix these and apply again';

/** Room kept for omittedLine. */
const OMITTED_ROOM = 100;

/**
 * The warning lines of one answer, for the given warning texts (already deduplicated), in order: each
 * one wrapped (warningLines), no line repeated, and whole warnings left out past MAX_WARNINGS_TOTAL,
 * with a last line saying how many.
 */
export function answerWarnings(texts: Iterable<string>): string[] {
  const out: string[] = [];
  const taken = new Set<string>();
  let total = 0;
  let omitted = 0;
  for (const text of texts) {
    const lines = omitted > 0 ? [] : uniqueLines(text, taken);
    const size = lines.reduce((sum, line) => sum + line.length, 0);
    if (omitted > 0 || total + size > MAX_WARNINGS_TOTAL - OMITTED_ROOM) {
      omitted++;
      continue;
    }
    total += size;
    for (const line of lines) {
      out.push(line);
      taken.add(line);
    }
  }
  if (omitted > 0) out.push(omittedLine(omitted));
  return out;
}
