/**
 * Kubernetes resource quantities (`100m`, `1.5Gi`, `2Ti`, `1e3`), held exactly.
 *
 * A quantity is an integer count of nano-units (10^-9) in a bigint, so sums never drift the way
 * floating point does. Parsing follows apimachinery's grammar; digits finer than a nano are rounded
 * up (away from zero), as kube-apiserver does. The format (DecimalSI, BinarySI, DecimalExponent)
 * is kept so that sums print the way Kubernetes would print them.
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
const GRAMMAR = /^([+-]?)(\d*)(?:\.(\d*))?(Ki|Mi|Gi|Ti|Pi|Ei|[eE][+-]?\d+|n|u|m|k|M|G|T|P|E)?$/;

const EXPONENT = /^[eE][+-]?\d+$/;
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
  const text = typeof input === 'number' ? numberToText(input) : input;
  if (text.length === 0) throw new QuantityError(text, 'empty');
  if (text.length > MAX_INPUT_LENGTH)
    throw new QuantityError(text, `longer than ${MAX_INPUT_LENGTH} characters`);
  const match = GRAMMAR.exec(text);
  if (!match)
    throw new QuantityError(text, 'expected a number with an optional suffix like 100m, 1.5Gi or 2e3');
  const [, sign = '', whole = '', frac = '', suffix = ''] = match;
  if (whole === '' && frac === '') throw new QuantityError(text, 'no digits');
  const { numerator, denominator, format } = scale(BigInt(whole + frac), 10n ** BigInt(frac.length), suffix);
  const magnitude = ceilDiv(numerator * NANO, denominator);
  return { nanos: sign === '-' ? -magnitude : magnitude, format };
}

function numberToText(value: number): string {
  if (!Number.isFinite(value)) throw new QuantityError(String(value), 'not a finite number');
  return Number.isInteger(value) ? BigInt(value).toString() : String(value);
}

function scale(
  digits: bigint,
  divisor: bigint,
  suffix: string,
): { numerator: bigint; denominator: bigint; format: QuantityFormat } {
  const shift = BINARY_SHIFT[suffix];
  if (shift !== undefined) return { numerator: digits << shift, denominator: divisor, format: 'BinarySI' };
  if (EXPONENT.test(suffix)) {
    const exponent = Number(suffix.slice(1));
    if (Math.abs(exponent) > 30) throw new QuantityError(suffix, 'exponent out of range');
    return applyExponent(digits, divisor, exponent, 'DecimalExponent');
  }
  return applyExponent(digits, divisor, DECIMAL_EXP[suffix] ?? 0, 'DecimalSI');
}

function applyExponent(digits: bigint, divisor: bigint, exponent: number, format: QuantityFormat) {
  return exponent >= 0
    ? { numerator: digits * 10n ** BigInt(exponent), denominator: divisor, format }
    : { numerator: digits, denominator: divisor * 10n ** BigInt(-exponent), format };
}

function ceilDiv(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b;
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

export function subtractQuantities(a: Quantity, b: Quantity): Quantity {
  return { nanos: a.nanos - b.nanos, format: a.format };
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
