import { keyMatches, parseReservationKey, reservationKey } from './reservation-key.js';

describe('reservationKey', () => {
  it.each([
    [{ kind: 'Pod' as const, namespace: 'team', name: 'web-0' }, 'Pod/team/web-0'],
    [{ kind: 'Pod' as const, namespace: 'team', name: 'web-0', uid: 'u-1' }, 'Pod/team/web-0/u-1'],
    [{ kind: 'Pod' as const, namespace: 'team', name: 'web-0', uid: '' }, 'Pod/team/web-0'],
    [
      { kind: 'PersistentVolumeClaim' as const, namespace: 't', name: 'd', uid: 'c' },
      'PersistentVolumeClaim/t/d/c',
    ],
  ])('given %o, writes %s and reads it back', (key, text) => {
    expect(reservationKey(key)).toBe(text);
    const back = parseReservationKey(text);
    expect(back && reservationKey(back)).toBe(text);
  });

  it.each(['', 'Pod', 'Pod/team', 'Pod//web-0', 'Pod/team/', 'Pod/team/web-0/', 'Pod/a/b/c/d', 'Node/a/b'])(
    'given %j, reads no key',
    (text) => expect(parseReservationKey(text)).toBeUndefined(),
  );
});

describe('keyMatches', () => {
  const named = { kind: 'Pod' as const, namespace: 'team', name: 'web-0' };
  it.each([
    [named, { uid: 'any' }, true],
    [named, undefined, false],
    [{ ...named, uid: 'u-1' }, { uid: 'u-1' }, true],
    [{ ...named, uid: 'u-1' }, { uid: 'u-2' }, false],
    [{ ...named, uid: 'u-1' }, { uid: '' }, false],
  ])('given key %o and stored %o, answers %s', (key, stored, matches) => {
    expect(keyMatches(key, stored)).toBe(matches);
  });
});
