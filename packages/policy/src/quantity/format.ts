import type { Quantity } from './quantity.js';

/**
 * Canonical text of a quantity, as apimachinery's `Quantity.String()` writes it: no decimal point,
 * the largest suffix that keeps the number whole (`1500m`, `1536Mi`, `12`). Binary quantities
 * between -1024 and 1024 or not whole fall back to decimal suffixes; decimal exponents are
 * multiples of 3 (`1e21`, not `1000e18`); a DecimalSI value beyond the `E` suffix (10^18) is
 * written with an exponent (`1000E` prints as `1e21`), as Kubernetes does.
 *
 * One deliberate difference: a BinarySI value that is a whole multiple of 1024Ei prints as `1024Ei`;
 * apimachinery has no suffix past `Ei` and drops the exponent there (printing a wrong value).
 */
export function formatQuantity(q: Quantity): string {
  const sign = q.nanos < 0n ? '-' : '';
  const nanos = q.nanos < 0n ? -q.nanos : q.nanos;
  if (nanos === 0n) return '0';
  if (q.format === 'BinarySI') {
    const binary = formatBinary(nanos);
    if (binary !== undefined) return sign + binary;
  }
  return sign + formatDecimal(nanos, q.format === 'DecimalExponent');
}

const BINARY_SUFFIXES = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'] as const;
const DECIMAL_SUFFIXES: Readonly<Record<number, string>> = {
  [-9]: 'n',
  [-6]: 'u',
  [-3]: 'm',
  0: '',
  3: 'k',
  6: 'M',
  9: 'G',
  12: 'T',
  15: 'P',
  18: 'E',
};

function formatBinary(nanos: bigint): string | undefined {
  if (nanos % 1_000_000_000n !== 0n) return undefined;
  let value = nanos / 1_000_000_000n;
  if (value < 1024n) return undefined;
  let index = 0;
  while (value % 1024n === 0n && index < BINARY_SUFFIXES.length - 1) {
    value /= 1024n;
    index += 1;
  }
  return `${value}${BINARY_SUFFIXES[index]}`;
}

function formatDecimal(nanos: bigint, exponentForm: boolean): string {
  let mantissa = nanos;
  let exponent = -9;
  while (mantissa % 1000n === 0n) {
    mantissa /= 1000n;
    exponent += 3;
  }
  const suffix = exponentForm ? undefined : DECIMAL_SUFFIXES[exponent];
  if (suffix !== undefined) return `${mantissa}${suffix}`;
  return exponent === 0 ? `${mantissa}` : `${mantissa}e${exponent}`;
}
