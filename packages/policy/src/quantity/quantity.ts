/**
 * Kubernetes resource quantities (`100m`, `1.5Gi`, `2Ti`, `1e3`), held exactly.
 *
 * A quantity is an integer count of nano-units (10^-9) in a bigint, so sums never drift the way
 * floating point does. The format (DecimalSI, BinarySI, DecimalExponent) is kept so that sums print
 * the way Kubernetes would print them.
 *
 * Parsing reads a quantity the way kube-apiserver reads one from a JSON or YAML object
 * (apimachinery's `Quantity.UnmarshalJSON`, then `ParseQuantity`):
 * - white space around the text is dropped (UnmarshalJSON trims it; `1 Gi` stays an error);
 * - `+`, `-`, `.`, `5.`, `.5` and a number with no digits before its suffix (`Gi`, `-m`) are
 *   accepted, a missing number counting as zero, as apimachinery's scanner does;
 * - digits finer than a nano are rounded up, away from zero (`0.1n` is `1n`);
 * - decimal values are not capped (`1e21` and `18446744073709551616` keep their value), but a
 *   BinarySI value is capped at 2^63-1 in magnitude (`8Ei` reads as 9223372036854775807), and a
 *   BinarySI value between -1 and 1 becomes DecimalSI;
 * - the empty string, and anything else the grammar does not allow, is an error.
 * Corral refuses, with a QuantityError, three things apimachinery would read: text longer than 64
 * characters, exponents above 100 (no resource is that large, and the bigint would be huge), and
 * exponents outside a 32-bit integer (apimachinery silently wraps those around).
 */

export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

export interface Quantity {
  readonly nanos: bigint;
  readonly format: QuantityFormat;
}

export class QuantityError extends Error {
  readonly code = 'POLICY_ERR_QUANTITY';
  constructor(
    readonly input: string,
    reason: string,
  ) {
    super(`invalid quantity ${JSON.stringify(input)}: ${reason}`);
    this.name = 'QuantityError';
  }
}

const NANO = 1_000_000_000n;
const MAX_INPUT_LENGTH = 64;
const MAX_EXPONENT = 100;
const MIN_INT32 = -2_147_483_648;
/** The largest BinarySI magnitude apimachinery keeps, in nanos: (2^63 - 1) units. */
const MAX_BINARY_NANOS = ((1n << 63n) - 1n) * NANO;
const GRAMMAR = /^([+-]?)(\d*)(?:\.(\d*))?(Ki|Mi|Gi|Ti|Pi|Ei|[eE][+-]?\d+|n|u|m|k|M|G|T|P|E)?$/;
/** Go's unicode.IsSpace set, which strings.TrimSpace removes. */
const SPACE = '[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
const TRIM_SPACE = new RegExp(`^${SPACE}+|${SPACE}+$`, 'g');
/** 10^0 .. 10^99 as bigints: most scaling needs one of these, and the table spares a `**`. */
const POWERS_OF_TEN: readonly bigint[] = Array.from({ length: 100 }, (_, power) => 10n ** BigInt(power));

const BINARY_SHIFT: Readonly<Record<string, bigint>> = {
  Ki: 10n,
  Mi: 20n,
  Gi: 30n,
  Ti: 40n,
  Pi: 50n,
  Ei: 60n,
};
const DECIMAL_EXP: Readonly<Record<string, number>> = {
  n: -9,
  u: -6,
  m: -3,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};

/** Parses a quantity string (or a plain number from YAML). Throws QuantityError when it does not parse. */
export function parseQuantity(input: string | number): Quantity {
  if (typeof input === 'number') return parseText(numberToText(input), String(input));
  const text = mayHaveEdgeSpace(input) ? input.replace(TRIM_SPACE, '') : input;
  if (text.length > MAX_INPUT_LENGTH)
    throw new QuantityError(input, `longer than ${MAX_INPUT_LENGTH} characters`);
  return parseText(text, input);
}

function parseText(text: string, input: string): Quantity {
  if (text.length === 0) throw new QuantityError(input, 'empty');
  const match = GRAMMAR.exec(text);
  if (!match)
    throw new QuantityError(input, 'expected a number with an optional suffix like 100m, 1.5Gi or 2e3');
  const [, sign = '', whole = '', frac = '', suffix = ''] = match;
  const digits = BigInt(`0${whole}${frac}`);
  const { numerator, denominator, format } = scale(digits, whole.length, frac.length, suffix, input);
  const magnitude = ceilDiv(numerator, denominator);
  return signed(sign === '-', magnitude, format);
}

/** Cheap pre-check: digits, signs, '.' and suffix letters all lie strictly between ' ' and U+0085. */
function mayHaveEdgeSpace(text: string): boolean {
  const first = text.charCodeAt(0);
  const last = text.charCodeAt(text.length - 1);
  return first <= 32 || last <= 32 || first >= 0x85 || last >= 0x85;
}

function tenTo(power: number): bigint {
  return POWERS_OF_TEN[power] ?? 10n ** BigInt(power);
}

function signed(negative: boolean, magnitude: bigint, format: QuantityFormat): Quantity {
  if (format !== 'BinarySI') return { nanos: negative ? -magnitude : magnitude, format };
  const capped = magnitude > MAX_BINARY_NANOS ? MAX_BINARY_NANOS : magnitude;
  const binary = capped === 0n || capped >= NANO;
  return { nanos: negative ? -capped : capped, format: binary ? 'BinarySI' : 'DecimalSI' };
}

function numberToText(value: number): string {
  if (!Number.isFinite(value)) throw new QuantityError(String(value), 'not a finite number');
  return Number.isInteger(value) ? BigInt(value).toString() : String(value);
}

/** digits × 10^-fractionDigits × suffix, in nanos, as numerator / denominator. */
function scale(
  digits: bigint,
  wholeDigits: number,
  fractionDigits: number,
  suffix: string,
  input: string,
): { numerator: bigint; denominator: bigint; format: QuantityFormat } {
  const shift = BINARY_SHIFT[suffix];
  if (shift !== undefined)
    return {
      numerator: (digits * NANO) << shift,
      denominator: tenTo(fractionDigits),
      format: 'BinarySI',
    };
  const written = DECIMAL_EXP[suffix];
  const exponent = written ?? (suffix === '' ? 0 : exponentOf(suffix, input));
  const format = written !== undefined || suffix === '' ? 'DecimalSI' : 'DecimalExponent';
  // digits < 10^(wholeDigits + fractionDigits), so any lower power rounds up to the same 1n (or 0n):
  // clamping it keeps 1e-2000000000 cheap.
  const power = Math.max(exponent + 9 - fractionDigits, -(wholeDigits + fractionDigits + 1));
  return power >= 0
    ? { numerator: digits * tenTo(power), denominator: 1n, format }
    : { numerator: digits, denominator: tenTo(-power), format };
}

function exponentOf(suffix: string, input: string): number {
  const exponent = Number(suffix.slice(1));
  if (exponent > MAX_EXPONENT)
    throw new QuantityError(input, `exponent ${suffix.slice(1)} is too large (at most ${MAX_EXPONENT})`);
  if (exponent < MIN_INT32) throw new QuantityError(input, `exponent ${suffix.slice(1)} is out of range`);
  return exponent;
}

function ceilDiv(a: bigint, b: bigint): bigint {
  return b === 1n ? a : (a + b - 1n) / b;
}

/** Returns the quantity, or the error, without throwing. */
export function tryParseQuantity(
  input: string | number,
): { ok: true; value: Quantity } | { ok: false; error: QuantityError } {
  try {
    return { ok: true, value: parseQuantity(input) };
  } catch (error) {
    if (error instanceof QuantityError) return { ok: false, error };
    throw error;
  }
}

export function quantity(nanos: bigint, format: QuantityFormat = 'DecimalSI'): Quantity {
  return { nanos, format };
}

export const ZERO: Quantity = Object.freeze({ nanos: 0n, format: 'DecimalSI' });

/** a + b, keeping a's format, or b's when a is zero (as apimachinery's Add does). */
export function addQuantities(a: Quantity, b: Quantity): Quantity {
  return { nanos: a.nanos + b.nanos, format: a.nanos === 0n ? b.format : a.format };
}

/** a - b, keeping a's format, or b's when a is zero (as apimachinery's Sub does). */
export function subtractQuantities(a: Quantity, b: Quantity): Quantity {
  return { nanos: a.nanos - b.nanos, format: a.nanos === 0n ? b.format : a.format };
}

export function compareQuantities(a: Quantity, b: Quantity): -1 | 0 | 1 {
  return a.nanos < b.nanos ? -1 : a.nanos > b.nanos ? 1 : 0;
}

/** Whole units rounded up, like Quantity.Value(). */
export function quantityValue(q: Quantity): bigint {
  return q.nanos >= 0n ? ceilDiv(q.nanos, NANO) : -ceilDiv(-q.nanos, NANO);
}

/** Milli-units rounded up, like Quantity.MilliValue(). */
export function quantityMilliValue(q: Quantity): bigint {
  const perMilli = 1_000_000n;
  return q.nanos >= 0n ? ceilDiv(q.nanos, perMilli) : -ceilDiv(-q.nanos, perMilli);
}
