/**
 * What an unquoted, untagged YAML scalar means to kubectl: kubectl turns YAML into JSON with
 * sigs.k8s.io/yaml over go-yaml v2 (YAML 1.1), whose `resolve` this mirrors rule for rule. So
 * `010` is 8, `0o10` 8, `0x1F` 31, `1_000` 1000, `yes`/`no`/`on`/`off`/`y`/`n` booleans; but
 * `1:20` (base 60) stays text, and so does a timestamp (`2001-12-14`: go-yaml v2 keeps the text
 * when decoding into interface{}). `.inf` and `.nan` resolve to floats that JSON cannot carry.
 */
export type ResolvedScalar =
  | { readonly type: 'null'; readonly value: null }
  | { readonly type: 'bool'; readonly value: boolean }
  | { readonly type: 'int'; readonly value: number }
  | { readonly type: 'float'; readonly value: number }
  | { readonly type: 'str'; readonly value: string };

const WORDS: ReadonlyMap<string, ResolvedScalar> = new Map<string, ResolvedScalar>([
  ...['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON'].map(
    (word) => [word, { type: 'bool', value: true }] as const,
  ),
  ...['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF'].map(
    (word) => [word, { type: 'bool', value: false }] as const,
  ),
  ...['', '~', 'null', 'Null', 'NULL'].map((word) => [word, { type: 'null', value: null }] as const),
  ...['.nan', '.NaN', '.NAN'].map((word) => [word, { type: 'float', value: NaN }] as const),
  ...['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF'].map(
    (word) => [word, { type: 'float', value: Infinity }] as const,
  ),
  ...['-.inf', '-.Inf', '-.INF'].map((word) => [word, { type: 'float', value: -Infinity }] as const),
]);

/** go-yaml's `yamlStyleFloat`. */
const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
/** What Go's strconv.ParseFloat accepts of a text starting with a dot. */
const DOT_FLOAT = /^\.[0-9]+([eE][-+]?[0-9]+)?$/;
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** go-yaml v2's first-character hint: only these starts can be anything but text. */
function hintOf(text: string): 'sign' | 'digit' | 'word' | 'dot' | undefined {
  const first = text[0];
  if (first === undefined) return 'word';
  if (first === '+' || first === '-') return 'sign';
  if (first >= '0' && first <= '9') return 'digit';
  if ('yYnNtTfFoO~'.includes(first)) return 'word';
  return first === '.' ? 'dot' : undefined;
}

/** The value of an unquoted, untagged scalar as kubectl reads it. */
export function resolvePlainScalar(text: string): ResolvedScalar {
  const str: ResolvedScalar = { type: 'str', value: text };
  const hint = hintOf(text);
  if (hint === undefined) return str;
  const word = WORDS.get(text);
  if (word) return word;
  if (hint === 'word') return str;
  if (hint === 'dot') return DOT_FLOAT.test(text) ? finiteFloat(Number(text), text) : str;
  return resolveNumber(text);
}

function resolveNumber(text: string): ResolvedScalar {
  // A timestamp (four digits and a dash) stays text; nothing starting so is a number either.
  if (/^[0-9]{4}-/.test(text)) return { type: 'str', value: text };
  const plain = text.replaceAll('_', '');
  const signed = parseGoInt(plain);
  if (signed.kind === 'ok') return { type: 'int', value: Number(signed.value) };
  const unsigned = parseGoUint(plain, 0);
  if (unsigned.kind === 'ok') return { type: 'int', value: Number(unsigned.value) };
  if (YAML_STYLE_FLOAT.test(plain)) {
    const float = Number(plain);
    // Go's ParseFloat fails (range) where the value overflows: go-yaml then goes on.
    if (Number.isFinite(float)) return { type: 'float', value: float };
  }
  if (plain.startsWith('0b')) {
    // go-yaml retries binary with an explicit base, which takes a sign after the prefix.
    const binary = parseGoInt(plain.slice(2), 2);
    if (binary.kind === 'ok') return { type: 'int', value: Number(binary.value) };
  }
  // An unsigned value beyond 64 bits (hex, octal, binary): a big integer.
  if (unsigned.kind === 'range') return { type: 'int', value: Number(unsigned.value) };
  return { type: 'str', value: text };
}

function finiteFloat(value: number, text: string): ResolvedScalar {
  return Number.isFinite(value) ? { type: 'float', value } : { type: 'str', value: text };
}

type Parsed = { kind: 'ok' | 'range'; value: bigint } | { kind: 'syntax' };

/** Go's strconv.ParseInt(text, base, 64). */
function parseGoInt(text: string, base = 0): Parsed {
  const negative = text.startsWith('-');
  const digits = negative || text.startsWith('+') ? text.slice(1) : text;
  const parsed = parseGoUint(digits, base);
  if (parsed.kind === 'syntax') return parsed;
  const value = negative ? -parsed.value : parsed.value;
  const inRange = negative ? value >= -INT64_MAX - 1n : value <= INT64_MAX;
  return { kind: inRange && parsed.kind === 'ok' ? 'ok' : 'range', value };
}

/** Go's strconv.ParseUint(text, base, 64), underscores already removed; base 0 reads prefixes. */
function parseGoUint(text: string, base: number): Parsed {
  if (text === '') return { kind: 'syntax' };
  const { radix, digits } = base === 0 ? basePrefix(text) : { radix: base, digits: text };
  if (!(DIGITS_OF[radix] ?? /$^/).test(digits)) return { kind: 'syntax' };
  // Digits checked: BigInt reads them at once (not digit by digit, which is quadratic in length).
  const value = digits === '' ? 0n : BigInt(`${RADIX_PREFIX[radix] ?? ''}${digits}`);
  return { kind: value <= UINT64_MAX ? 'ok' : 'range', value };
}

const PREFIX_RADIX: Readonly<Record<string, number>> = { b: 2, o: 8, x: 16 };
/** The digits of each radix Go reads, checked in one pass (empty text is checked by the caller). */
const DIGITS_OF: Readonly<Record<number, RegExp>> = {
  2: /^[01]*$/,
  8: /^[0-7]*$/,
  10: /^[0-9]*$/,
  16: /^[0-9a-f]*$/i,
};
/** How a JavaScript BigInt literal names each radix Go reads (none for 10). */
const RADIX_PREFIX: Readonly<Record<number, string>> = { 2: '0b', 8: '0o', 16: '0x' };

/** Go's base 0: `0b`, `0o`, `0x` (any case, with a digit after), or a leading 0 for octal. */
function basePrefix(text: string): { radix: number; digits: string } {
  if (!text.startsWith('0')) return { radix: 10, digits: text };
  const prefixed = text.length >= 3 ? PREFIX_RADIX[text[1]?.toLowerCase() ?? ''] : undefined;
  return prefixed === undefined
    ? { radix: 8, digits: text.slice(1) }
    : { radix: prefixed, digits: text.slice(2) };
}
