import { DeletedObjects } from './deleted-objects.js';

describe('DeletedObjects', () => {
  it('given a deletion, remembers it for its TTL only', () => {
    let now = 1000;
    const deleted = new DeletedObjects({ ttlMs: 100, now: () => now });
    deleted.add('Pod/a/p/u1');
    expect(deleted.has('Pod/a/p/u1')).toBe(true);
    expect(deleted.has('Pod/a/p/u2')).toBe(false);
    now += 100;
    expect(deleted.has('Pod/a/p/u1')).toBe(false);
  });

  it('given more deletions than it keeps, forgets the oldest and drops expired ones as it goes', () => {
    let now = 0;
    const deleted = new DeletedObjects({ ttlMs: 50, maxEntries: 3, now: () => now });
    for (const uid of ['u1', 'u2', 'u3', 'u4']) deleted.add(`Pod/a/p/${uid}`);
    expect(deleted.size).toBe(3);
    expect(deleted.has('Pod/a/p/u1')).toBe(false);
    expect(deleted.has('Pod/a/p/u4')).toBe(true);
    now = 60;
    deleted.add('Pod/a/p/u5');
    expect(deleted.size).toBe(1);
  });
});
