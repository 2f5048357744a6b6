import { AdmissionError } from '../errors.js';
import { withinBounds } from './record-bounds.js';
import { MAX_AMOUNT_DIGITS, type StoredReservation } from './reservation-store.js';

const bounds = { maxEntries: 10, maxRecordBytes: 1 << 20 };
const entry = (name: string, amount: string, target?: string): StoredReservation => ({
  key: `Pod/team/${name}/u-${name}`,
  scopes: ['namespace/team'],
  usage: { pods: '1000000000', 'requests.cpu': amount },
  expiresAt: 5,
  ...(target === undefined ? {} : { target: { 'requests.cpu': target } }),
});

describe('withinBounds: amounts every reader can load', () => {
  it('given an amount of MAX_AMOUNT_DIGITS digits, adds the entry', () => {
    const added = entry('a', '9'.repeat(MAX_AMOUNT_DIGITS));
    expect(withinBounds('department-eng', [], added, () => false, bounds)).toEqual([added]);
  });

  it.each([
    ['a usage', entry('b', '9'.repeat(MAX_AMOUNT_DIGITS + 1))],
    ['a target', entry('c', '1', '9'.repeat(MAX_AMOUNT_DIGITS + 1))],
  ])(
    'given %s past MAX_AMOUNT_DIGITS, refuses the entry rather than save one readers skip',
    (_what, added) => {
      const attempt = () => withinBounds('department-eng', [entry('k', '1')], added, () => false, bounds);
      expect(attempt).toThrow(AdmissionError);
      expect(attempt).toThrow(/cannot be recorded for department-eng: an amount has more than 1000 digits/);
    },
  );
});
