import type { Quantity } from './quantity.js';

/**
 * Canonical text of a quantity, as apimachinery writes it: no decimal point, the largest suffix
 * that keeps the number whole (`1500m`, `1536Mi`, `12`). Binary quantities that are not whole
 * multiples of 1024 fall back to decimal suffixes, as Kubernetes does.
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
  while (mantissa % 1000n === 0n && exponent < 18) {
    mantissa /= 1000n;
    exponent += 3;
  }
  if (exponentForm) return exponent === 0 ? `${mantissa}` : `${mantissa}e${exponent}`;
  return `${mantissa}${DECIMAL_SUFFIXES[exponent] ?? ''}`;
}
