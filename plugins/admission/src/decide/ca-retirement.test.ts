import {
  formatRetiredCas,
  parseRetiredCas,
  parseRetireRequest,
  retiredDropTime,
  takeUpRetireRequest,
} from './ca-retirement.js';

const HEX = 'ab'.repeat(32);
const NODE_FORM = Array.from({ length: 32 }, () => 'AB').join(':');
const MINUTE = 60_000;
const T = Date.parse('2026-06-01T00:00:00Z');

describe('parseRetireRequest', () => {
  it.each([
    ['current', 'current'],
    [' Current \n', 'current'],
    [HEX, NODE_FORM],
    [NODE_FORM.toLowerCase(), NODE_FORM],
    [`sha256:${HEX}`, NODE_FORM],
    [`sha256 Fingerprint=${NODE_FORM}`, NODE_FORM],
    [`SHA256 Fingerprint=${NODE_FORM}\n`, NODE_FORM],
  ])('given %j, returns %j in node:crypto’s form', (value, expected) => {
    expect(parseRetireRequest(value)).toEqual({ ok: true, value: expected });
  });

  it.each([['curent'], [''], ['ab'.repeat(31)], [`${HEX}00`], ['zz'.repeat(32)]])(
    'given %j, says what it expects instead',
    (value) => {
      const parsed = parseRetireRequest(value);
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) expect(parsed.problem).toMatch(/expected "current" or a CA's SHA-256 fingerprint/);
    },
  );
});

describe('parseRetiredCas and formatRetiredCas', () => {
  it('given nothing, returns no retired CA and no problem', () => {
    expect(parseRetiredCas(undefined)).toEqual({ retired: [] });
    expect(parseRetiredCas(' ')).toEqual({ retired: [] });
  });

  it('round-trips, oldest first', () => {
    const retired = [
      { fingerprint256: NODE_FORM, retiredAt: T + MINUTE },
      { fingerprint256: NODE_FORM.replace(/AB/g, 'CD'), retiredAt: T },
    ];
    const text = formatRetiredCas(retired);
    expect(text).toBe(
      JSON.stringify({
        [NODE_FORM.replace(/AB/g, 'CD')]: '2026-06-01T00:00:00.000Z',
        [NODE_FORM]: '2026-06-01T00:01:00.000Z',
      }),
    );
    expect(parseRetiredCas(text)).toEqual({ retired: [retired[1], retired[0]] });
  });

  it('given a value that is not a JSON object, returns none and the problem', () => {
    expect(parseRetiredCas('AB:CD')).toEqual({
      retired: [],
      problem: expect.stringMatching(/not a JSON object/) as unknown,
    });
  });

  it('given unreadable entries, keeps the readable ones and names the others', () => {
    const parsed = parseRetiredCas(
      JSON.stringify({ [HEX]: '2026-06-01T00:00:00Z', nope: 'x', [NODE_FORM]: 3 }),
    );
    expect(parsed.retired).toEqual([{ fingerprint256: NODE_FORM, retiredAt: T }]);
    expect(parsed.problem).toMatch(/unreadable entries: nope/);
  });
});

describe('retiredDropTime', () => {
  it('is twice the overlap after the retirement, or after this replica first trusted the current CA if later', () => {
    const retired = { fingerprint256: NODE_FORM, retiredAt: T };
    expect(retiredDropTime(retired, undefined, 10 * MINUTE)).toBe(T + 20 * MINUTE);
    expect(retiredDropTime(retired, T - 60 * MINUTE, 10 * MINUTE)).toBe(T + 20 * MINUTE);
    expect(retiredDropTime(retired, T + 5 * MINUTE, 10 * MINUTE)).toBe(T + 25 * MINUTE);
  });
});

describe('takeUpRetireRequest', () => {
  const view = { current: 'CA2', bundle: ['CA2', 'CA1'], retired: [{ fingerprint256: 'CA0', retiredAt: T }] };
  it.each<[string, string, string | undefined, RegExp]>([
    ['current', 'current', 'CA2', /the current one/],
    ['the current CA by fingerprint', 'CA2', 'CA2', /the current one/],
    ['an older CA of the bundle', 'CA1', 'CA1', /an older one of the bundle/],
    ['a CA retired already', 'CA0', 'CA0', /retired already/],
    ['a CA the bundle does not hold', 'CA9', 'CA9', /not in the bundle: it will never be trusted/],
  ])('given a request for %s, retires %s', (_case, asked, fingerprint, reason) => {
    const taken = takeUpRetireRequest({ ...view, request: { ok: true, value: asked } });
    expect(taken).toEqual({ fingerprint, reason: expect.stringMatching(reason) as unknown });
  });

  it('given `current` and no readable ca.crt, retires nothing and says so', () => {
    expect(
      takeUpRetireRequest({ ...view, current: undefined, request: { ok: true, value: 'current' } }),
    ).toEqual({
      fingerprint: undefined,
      reason: expect.stringMatching(/no readable certificate: nothing to retire/) as unknown,
    });
  });

  it('given no request, or an unreadable one, takes up nothing', () => {
    expect(takeUpRetireRequest({ ...view, request: undefined })).toBeUndefined();
    expect(takeUpRetireRequest({ ...view, request: { ok: false, problem: 'x' } })).toBeUndefined();
  });
});
