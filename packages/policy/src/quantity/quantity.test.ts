import {
  QuantityError,
  ZERO,
  addQuantities,
  compareQuantities,
  parseQuantity,
  quantity,
  quantityMilliValue,
  quantityValue,
  subtractQuantities,
  tryParseQuantity,
  type QuantityFormat,
} from './quantity.js';

const G = 1_000_000_000n;

describe('parseQuantity', () => {
  const accepted: [input: string | number, nanos: bigint, format: QuantityFormat][] = [
    // plain numbers and signs
    ['0', 0n, 'DecimalSI'],
    ['1', G, 'DecimalSI'],
    ['+1', G, 'DecimalSI'],
    ['-1', -G, 'DecimalSI'],
    ['12', 12n * G, 'DecimalSI'],
    ['.5', G / 2n, 'DecimalSI'],
    ['5.', 5n * G, 'DecimalSI'],
    ['0.5', G / 2n, 'DecimalSI'],
    ['-.5', -G / 2n, 'DecimalSI'],
    // every decimal suffix
    ['1n', 1n, 'DecimalSI'],
    ['1u', 1_000n, 'DecimalSI'],
    ['1m', 1_000_000n, 'DecimalSI'],
    ['100m', 100_000_000n, 'DecimalSI'],
    ['1k', 1_000n * G, 'DecimalSI'],
    ['1M', 1_000_000n * G, 'DecimalSI'],
    ['1G', 10n ** 9n * G, 'DecimalSI'],
    ['1T', 10n ** 12n * G, 'DecimalSI'],
    ['1P', 10n ** 15n * G, 'DecimalSI'],
    ['1E', 10n ** 18n * G, 'DecimalSI'],
    ['1.5k', 1_500n * G, 'DecimalSI'],
    // every binary suffix
    ['1Ki', 1024n * G, 'BinarySI'],
    ['1Mi', 1024n ** 2n * G, 'BinarySI'],
    ['1Gi', 1024n ** 3n * G, 'BinarySI'],
    ['1Ti', 1024n ** 4n * G, 'BinarySI'],
    ['1Pi', 1024n ** 5n * G, 'BinarySI'],
    ['1Ei', 1024n ** 6n * G, 'BinarySI'],
    ['1.5Gi', 1_610_612_736n * G, 'BinarySI'],
    ['0.5Ki', 512n * G, 'BinarySI'],
    // exponents, both letters, both signs
    ['1e3', 1_000n * G, 'DecimalExponent'],
    ['1E3', 1_000n * G, 'DecimalExponent'],
    ['1e+3', 1_000n * G, 'DecimalExponent'],
    ['1e-3', 1_000_000n, 'DecimalExponent'],
    ['2.5e-6', 2_500n, 'DecimalExponent'],
    ['1e0', G, 'DecimalExponent'],
    ['-1e2', -100n * G, 'DecimalExponent'],
    // finer than a nano rounds up, away from zero (inf.RoundUp, as apimachinery)
    ['0.1n', 1n, 'DecimalSI'],
    ['1.1n', 2n, 'DecimalSI'],
    ['0.0000000001', 1n, 'DecimalSI'],
    ['1e-10', 1n, 'DecimalExponent'],
    ['1.0000000001', G + 1n, 'DecimalSI'],
    ['-0.1n', -1n, 'DecimalSI'],
    ['0.0n', 0n, 'DecimalSI'],
    // numbers from YAML
    [0, 0n, 'DecimalSI'],
    [8, 8n * G, 'DecimalSI'],
    [0.5, G / 2n, 'DecimalSI'],
    [1e21, 10n ** 21n * G, 'DecimalSI'],
    [1e-7, 100n, 'DecimalExponent'],
  ];

  it.each(accepted)('given %j, returns %s nanos (%s)', (input, nanos, format) => {
    expect(parseQuantity(input)).toEqual({ nanos, format });
  });

  const rejected: [input: string | number, reason: RegExp][] = [
    ['', /empty/],
    ['1.2.3', /expected a number/],
    ['1GB', /expected a number/],
    ['1 Gi', /expected a number/],
    ['   ', /empty/],
    ['\t\n', /empty/],
    ['1\u200bGi', /expected a number/], // a zero-width space is not white space to Go either
    ['\ufeff1', /expected a number/], // nor is a byte-order mark
    ['1gi', /expected a number/],
    ['1K', /expected a number/],
    ['abc', /expected a number/],
    ['--1', /expected a number/],
    ['+-1', /expected a number/],
    ['1e', /expected a number/],
    ['1e1.5', /expected a number/],
    ['1ee3', /expected a number/],
    ['0x10', /expected a number/],
    ['1.1.M', /expected a number/],
    ['1+1.0M', /expected a number/],
    ['0.1mi', /expected a number/],
    ['0.1am', /expected a number/],
    ['aoeu', /expected a number/],
    ['.5i', /expected a number/],
    ['1i', /expected a number/],
    ['-3.01i', /expected a number/],
    ['-3.01e-', /expected a number/],
    ['1e+', /expected a number/],
    ['1E+', /expected a number/],
    ['1e101', /exponent 101 is too large \(at most 100\)/],
    ['1e1000000', /exponent 1000000 is too large/],
    ['1e-2147483649', /exponent -2147483649 is out of range/],
    ['1'.repeat(65), /longer than 64/],
    [Number.NaN, /not a finite number/],
    [Number.POSITIVE_INFINITY, /not a finite number/],
    [Number.NEGATIVE_INFINITY, /not a finite number/],
  ];

  it.each(rejected)('given %j, throws QuantityError matching %s', (input, reason) => {
    expect(() => parseQuantity(input)).toThrow(QuantityError);
    expect(() => parseQuantity(input)).toThrow(reason);
  });

  it('given white space around 64 characters, trims it before the limit', () => {
    expect(parseQuantity(` ${'1'.repeat(64)}\n`).nanos).toBe(BigInt('1'.repeat(64)) * G);
  });

  it('given 64 characters, still parses (the limit is inclusive)', () => {
    expect(parseQuantity('1'.repeat(64)).nanos).toBe(BigInt('1'.repeat(64)) * G);
  });

  it('given a bad input, the error carries the input, a stable code and a readable message', () => {
    const result = tryParseQuantity('1GB');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.input).toBe('1GB');
    expect(result.error.code).toBe('POLICY_ERR_QUANTITY');
    expect(result.error.message).toMatch(/^invalid quantity "1GB": /);
  });
});

// Expected values follow apimachinery's ParseQuantity (pkg/api/resource/quantity.go) and its tests,
// after Quantity.UnmarshalJSON's strings.TrimSpace: what kube-apiserver stores for the same text.
describe('parseQuantity agrees with apimachinery', () => {
  const MAX_BINARY = (2n ** 63n - 1n) * G;
  const cases: [input: string | number, nanos: bigint, format: QuantityFormat][] = [
    // white space around the text is trimmed by UnmarshalJSON (Go's unicode.IsSpace set)
    [' 1', G, 'DecimalSI'],
    ['1 ', G, 'DecimalSI'],
    [' -1', -G, 'DecimalSI'],
    ['\t100m\n', 100_000_000n, 'DecimalSI'],
    ['\u00a01Gi\u3000', 1024n ** 3n * G, 'BinarySI'],
    ['\u00851', G, 'DecimalSI'],
    // a number with no digits reads as zero, keeping its suffix's format
    ['.', 0n, 'DecimalSI'],
    ['-.', 0n, 'DecimalSI'],
    ['+', 0n, 'DecimalSI'],
    ['-', 0n, 'DecimalSI'],
    ['Gi', 0n, 'BinarySI'],
    ['-m', 0n, 'DecimalSI'],
    ['e3', 0n, 'DecimalExponent'],
    ['+0', 0n, 'DecimalSI'],
    ['-0', 0n, 'DecimalSI'],
    ['00012', 12n * G, 'DecimalSI'],
    // odd but valid spellings from apimachinery's table
    ['1.', G, 'DecimalSI'],
    ['1.G', 10n ** 9n * G, 'DecimalSI'],
    ['.001', 1_000_000n, 'DecimalSI'],
    ['.0001k', 100_000_000n, 'DecimalSI'],
    ['100.035k', 100_035n * G, 'DecimalSI'],
    ['1.3E+6', 1_300_000n * G, 'DecimalExponent'],
    ['1E-3', 1_000_000n, 'DecimalExponent'],
    ['0.5e-9', 1n, 'DecimalExponent'],
    ['3.001n', 4n, 'DecimalSI'],
    ['0.00000012345', 124n, 'DecimalSI'],
    ['-0.00000012345', -124n, 'DecimalSI'],
    ['1e003', 1_000n * G, 'DecimalExponent'],
    // decimal values are not capped at int64
    ['18446744073709551616', 18446744073709551616n * G, 'DecimalSI'],
    ['9223372036854775808', 9223372036854775808n * G, 'DecimalSI'],
    ['1e21', 10n ** 21n * G, 'DecimalExponent'],
    ['1000E', 10n ** 21n * G, 'DecimalSI'],
    ['12E', 12n * 10n ** 18n * G, 'DecimalSI'],
    ['1e100', 10n ** 100n * G, 'DecimalExponent'],
    ['-1e21', -(10n ** 21n) * G, 'DecimalExponent'],
    // tiny exponents round up to one nano, however small
    ['1e-30', 1n, 'DecimalExponent'],
    ['1e-2147483648', 1n, 'DecimalExponent'],
    ['-5e-1000000', -1n, 'DecimalExponent'],
    ['0e-2147483648', 0n, 'DecimalExponent'],
    // BinarySI is capped at 2^63-1 in magnitude (9Ei and 9223372036854775807Ki in apimachinery's table)
    ['7Ei', 7n * 2n ** 60n * G, 'BinarySI'],
    ['8Ei', MAX_BINARY, 'BinarySI'],
    ['9Ei', MAX_BINARY, 'BinarySI'],
    ['9223372036854775807Ki', MAX_BINARY, 'BinarySI'],
    ['-8Ei', -MAX_BINARY, 'BinarySI'],
    ['8191.999999999999999999Pi', MAX_BINARY, 'BinarySI'], // 2^63 - 0.0011: over the cap
    ['8191.99999999Pi', (819_199_999_999n * 2n ** 50n * G) / 10n ** 8n, 'BinarySI'], // under it
    // a BinarySI value between -1 and 1 becomes DecimalSI (0.000000000001Ki in apimachinery's table)
    ['0.000000000001Ki', 2n, 'DecimalSI'],
    ['-0.0001Ki', -102_400_000n, 'DecimalSI'],
    ['0.0009765625Ki', G, 'BinarySI'],
    ['0Ki', 0n, 'BinarySI'],
    // numbers from YAML beyond 64 digits and int64
    [1e100, BigInt(1e100) * G, 'DecimalSI'],
    [-2.5, -2_500_000_000n, 'DecimalSI'],
  ];

  it.each(cases)('given %j, returns %s nanos (%s)', (input, nanos, format) => {
    expect(parseQuantity(input)).toEqual({ nanos, format });
  });

  it('given a huge negative exponent, answers at once', () => {
    // CPU time, not wall time: a busy machine may hold the process off the CPU for longer than this.
    const cpu = process.cpuUsage();
    expect(parseQuantity('9'.repeat(50) + 'e-2000000000').nanos).toBe(1n);
    const { user, system } = process.cpuUsage(cpu);
    expect((user + system) / 1000).toBeLessThan(100);
  });

  it('given a padded bad input, quotes it as written', () => {
    const result = tryParseQuantity(' 1 Gi ');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toMatch(/^invalid quantity " 1 Gi ": expected a number/);
  });
});

describe('tryParseQuantity', () => {
  it('given a valid input, returns ok with the value', () => {
    expect(tryParseQuantity('100m')).toEqual({
      ok: true,
      value: { nanos: 100_000_000n, format: 'DecimalSI' },
    });
  });
});

describe('arithmetic', () => {
  it('given 0.1 added ten thousand times, returns exactly 1k', () => {
    let sum = ZERO;
    const tenth = parseQuantity('0.1');
    for (let i = 0; i < 10_000; i += 1) sum = addQuantities(sum, tenth);
    expect(sum).toEqual(parseQuantity('1k'));
  });

  it('given 100m three times, returns exactly 300m', () => {
    const milli = parseQuantity('100m');
    expect(addQuantities(addQuantities(milli, milli), milli).nanos).toBe(parseQuantity('300m').nanos);
  });

  it('given 1.5Gi + 512Mi, returns 2Gi in BinarySI', () => {
    expect(addQuantities(parseQuantity('1.5Gi'), parseQuantity('512Mi'))).toEqual(parseQuantity('2Gi'));
  });

  const formats: [a: string, b: string, format: QuantityFormat][] = [
    ['1Gi', '1', 'BinarySI'],
    ['1', '1Gi', 'DecimalSI'],
    ['0', '1Gi', 'BinarySI'],
    ['0Ki', '1', 'DecimalSI'],
    ['1e3', '1Ki', 'DecimalExponent'],
  ];
  it.each(formats)('given %s + %s, keeps the format %s', (a, b, format) => {
    expect(addQuantities(parseQuantity(a), parseQuantity(b)).format).toBe(format);
  });

  it('given a - b, returns the exact difference in a format', () => {
    expect(subtractQuantities(parseQuantity('1Gi'), parseQuantity('512Mi'))).toEqual(parseQuantity('512Mi'));
    expect(subtractQuantities(parseQuantity('100m'), parseQuantity('1')).nanos).toBe(-900_000_000n);
  });

  it("given 0 - b, takes b's format (as apimachinery's Sub does)", () => {
    expect(subtractQuantities(ZERO, parseQuantity('1Gi'))).toEqual({
      nanos: -(1024n ** 3n) * G,
      format: 'BinarySI',
    });
    expect(subtractQuantities(parseQuantity('1'), parseQuantity('1Gi')).format).toBe('DecimalSI');
  });

  const comparisons: [a: string, b: string, expected: -1 | 0 | 1][] = [
    ['1', '1000m', 0],
    ['1Ki', '1024', 0],
    ['1k', '1Ki', -1],
    ['1e3', '999', 1],
    ['-1', '0', -1],
  ];
  it.each(comparisons)('given %s vs %s, returns %i', (a, b, expected) => {
    expect(compareQuantities(parseQuantity(a), parseQuantity(b))).toBe(expected);
  });

  const values: [input: string, value: bigint, milli: bigint][] = [
    ['1', 1n, 1_000n],
    ['100m', 1n, 100n],
    ['1.5', 2n, 1_500n],
    ['1n', 1n, 1n],
    ['-1.5', -2n, -1_500n],
    ['1Ki', 1024n, 1_024_000n],
    ['0', 0n, 0n],
  ];
  it.each(values)('given %s, Value() is %s and MilliValue() is %s (rounded up)', (input, value, milli) => {
    expect(quantityValue(parseQuantity(input))).toBe(value);
    expect(quantityMilliValue(parseQuantity(input))).toBe(milli);
  });

  it('given nanos and a format, builds the quantity (DecimalSI by default)', () => {
    expect(quantity(5n)).toEqual({ nanos: 5n, format: 'DecimalSI' });
    expect(quantity(5n, 'BinarySI')).toEqual({ nanos: 5n, format: 'BinarySI' });
  });
});
