import type { StoredRecord, StoredReservation } from './reservation-store.js';
import { saveOrFind, type StoreCalls } from './store-call.js';

const entry = (name: string, expiresAt: number): StoredReservation => ({
  key: `Pod/team/${name}/u-${name}`,
  scopes: ['namespace/team'],
  usage: { pods: '1000000000' },
  expiresAt,
});
const kept = entry('kept', 5);
const before: StoredRecord = { version: '7', entries: [kept] };
const added = entry('new', 9);
const saved = [kept, added];
const copy = (e: StoredReservation): StoredReservation => JSON.parse(JSON.stringify(e)) as StoredReservation;
const lost = new Error('socket hang up');

/** Calls whose save fails with `lost` and whose load answers `after` (or fails when undefined). */
function calls(after: StoredRecord | undefined): StoreCalls & { loads: number } {
  const result = {
    loads: 0,
    save: () => Promise.reject(lost),
    load: () => {
      result.loads += 1;
      return after === undefined ? Promise.reject(new Error('load failed too')) : Promise.resolve(after);
    },
  };
  return result;
}

describe('saveOrFind', () => {
  it('given a save that answers, returns its answer without reading the record again', async () => {
    const answered = { ...calls(before), save: () => Promise.resolve('conflict' as const) };
    expect(await saveOrFind(before, saved, answered)).toBe('conflict');
    expect(answered.loads).toBe(0);
  });

  it.each([
    ['the record moved on holding the new entry', { version: '8', entries: [copy(kept), copy(added)] }],
    ['others saved after it, keeping the new entry', { version: '9', entries: [copy(added), entry('x', 9)] }],
  ])('given a failed save, and %s, counts the save as done', async (_what, after) => {
    expect(await saveOrFind(before, saved, calls(after))).toBe('ok');
  });

  it.each([
    ['the record at the loaded version', { version: '7', entries: [kept] }],
    ['the record moved on without the new entry', { version: '8', entries: [kept, entry('other', 9)] }],
    ['the new key held with another expiry', { version: '8', entries: [kept, entry('new', 10)] }],
    ['no record', { version: undefined, entries: [] }],
    ['the record unreadable', undefined],
  ])('given a failed save, and %s, fails with the save error', async (_what, after) => {
    await expect(saveOrFind(before, saved, calls(after))).rejects.toBe(lost);
  });
});
