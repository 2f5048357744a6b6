import fc from 'fast-check';
import { formatQuantity } from './format.js';
import { ZERO, addQuantities, parseQuantity, quantity, type QuantityFormat } from './quantity.js';

describe('formatQuantity', () => {
  // Expected strings are what apimachinery's Quantity.String() prints for the same input.
  const canonical: [input: string, expected: string][] = [
    ['0', '0'],
    ['0Gi', '0'],
    ['1', '1'],
    ['12', '12'],
    ['1000', '1k'],
    ['1500', '1500'],
    ['1.5k', '1500'],
    ['1000000', '1M'],
    ['0.5', '500m'],
    ['1.5', '1500m'],
    ['100m', '100m'],
    ['1000m', '1'],
    ['0.1m', '100u'],
    ['0.001m', '1u'],
    ['0.000001m', '1n'],
    ['1u', '1u'],
    ['1n', '1n'],
    ['0.1n', '1n'],
    ['1T', '1T'],
    ['1P', '1P'],
    ['1E', '1E'],
    ['999E', '999E'],
    // no DecimalSI suffix past E: apimachinery falls back to an exponent
    ['1000E', '1e21'],
    ['5000E', '5e21'],
    ['1000000E', '1e24'],
    ['1234000E', '1234e21'],
    ['18446744073709551616', '18446744073709551616'],
    ['18446744073709551616000', '18446744073709551616k'],
    ['-1', '-1'],
    ['-0.5', '-500m'],
    ['+5', '5'],
    ['5.', '5'],
    ['.5', '500m'],
    // binary: the largest binary suffix that keeps the number whole
    ['1Ki', '1Ki'],
    ['1024Ki', '1Mi'],
    ['1.5Gi', '1536Mi'],
    ['2Gi', '2Gi'],
    ['1Ti', '1Ti'],
    ['1Pi', '1Pi'],
    ['1Ei', '1Ei'],
    ['1025Ki', '1025Ki'],
    ['-1.5Gi', '-1536Mi'],
    // binary values below 1024 or not whole fall back to decimal
    ['0.5Ki', '512'],
    ['1000Mi', '1000Mi'],
    ['0.5Mi', '512Ki'],
    ['1.1Ki', '1126400m'],
    ['1.0001Ki', '1024102400u'],
    ['.001Ki', '1024m'],
    ['.000000001Ki', '1024n'],
    ['.000000000001Ki', '2n'],
    ['-.000000000001Ki', '-2n'],
    // capped at 2^63-1, which has no binary suffix
    ['8Ei', '9223372036854775807'],
    ['-9Ei', '-9223372036854775807'],
    ['7Ei', '7Ei'],
    // exponent form stays in exponent form, in multiples of 3
    ['1e3', '1e3'],
    ['1E6', '1e6'],
    ['1e-3', '1e-3'],
    ['1e-10', '1e-9'],
    ['1500e0', '1500'],
    ['1e0', '1'],
    ['12e2', '1200'],
    ['1e21', '1e21'],
    ['1e24', '1e24'],
    ['1.5e21', '1500e18'],
    ['10e20', '1e21'],
    ['-1e21', '-1e21'],
    ['1e100', '10e99'],
    ['0.001e0', '1e-3'],
    ['1000e-12', '1e-9'],
    ['80e-3', '80e-3'],
    ['0e21', '0'],
    // what the parser reads as zero prints as 0
    ['Gi', '0'],
    ['-', '0'],
    // white space is gone
    [' 1Gi ', '1Gi'],
  ];

  it.each(canonical)('given %s, returns %s', (input, expected) => {
    expect(formatQuantity(parseQuantity(input))).toBe(expected);
  });

  it('given a sum past 2^63-1 of binary quantities, keeps the value (apimachinery would drop the suffix)', () => {
    let sum = ZERO;
    for (let i = 0; i < 256; i += 1) sum = addQuantities(sum, parseQuantity('4Ei'));
    expect(formatQuantity(sum)).toBe('1024Ei');
  });

  it('given a DecimalSI sum past E, prints an exponent, not a wrong value', () => {
    expect(formatQuantity(addQuantities(parseQuantity('999E'), parseQuantity('1E')))).toBe('1e21');
  });

  it('given a sum of binary quantities, prints it in binary', () => {
    expect(formatQuantity(addQuantities(parseQuantity('1.5Gi'), parseQuantity('512Mi')))).toBe('2Gi');
  });
});

const suffixes = [
  '',
  'n',
  'u',
  'm',
  'k',
  'M',
  'G',
  'T',
  'P',
  'E',
  'Ki',
  'Mi',
  'Gi',
  'Ti',
  'Pi',
  'Ei',
  'e3',
  'e-3',
  'E+6',
];
const quantityText = fc
  .tuple(
    fc.constantFrom('', '+', '-'),
    fc.stringMatching(/^\d{0,9}$/),
    fc.option(fc.stringMatching(/^\d{0,12}$/), { nil: undefined }),
    fc.constantFrom(...suffixes),
  )
  .filter(([, whole, frac]) => whole.length + (frac?.length ?? 0) > 0)
  .map(([sign, whole, frac, suffix]) => `${sign}${whole}${frac === undefined ? '' : `.${frac}`}${suffix}`);

describe('formatQuantity properties', () => {
  it('given any valid quantity text, its canonical form re-parses to the same nanos', () => {
    fc.assert(
      fc.property(quantityText, (text) => {
        const parsed = parseQuantity(text);
        const printed = formatQuantity(parsed);
        expect(parseQuantity(printed).nanos).toBe(parsed.nanos);
      }),
    );
  });

  it('given any nanos and format, the canonical form re-parses to the same nanos and prints the same', () => {
    const formats: QuantityFormat[] = ['DecimalSI', 'BinarySI', 'DecimalExponent'];
    fc.assert(
      fc.property(fc.bigInt(-(2n ** 90n), 2n ** 90n), fc.constantFrom(...formats), (nanos, format) => {
        const printed = formatQuantity(quantity(nanos, format));
        const reparsed = parseQuantity(printed);
        expect(reparsed.nanos).toBe(nanos);
        expect(formatQuantity(reparsed)).toBe(printed);
      }),
    );
  });
});
