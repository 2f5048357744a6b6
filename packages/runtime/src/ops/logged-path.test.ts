import { LOGGED_PATH_LIMIT, loggedPath } from './logged-path.js';

describe('loggedPath', () => {
  it.each([
    ['a short path with a query', '/nope?token=abc', '/nope'],
    [
      'a path of exactly the limit',
      `/${'a'.repeat(LOGGED_PATH_LIMIT - 1)}`,
      `/${'a'.repeat(LOGGED_PATH_LIMIT - 1)}`,
    ],
    [
      'a path one over the limit',
      `/${'a'.repeat(LOGGED_PATH_LIMIT)}`,
      `/${'a'.repeat(LOGGED_PATH_LIMIT - 1)}…(+1)`,
    ],
    ['a long path whose query alone is long', `/x?${'q'.repeat(20_000)}`, '/x'],
    ['an empty URL', '', ''],
  ])('given %s, logs %#', (_name, url, expected) => {
    expect(loggedPath(url)).toBe(expected);
  });

  it('given a 16 KiB path, keeps 512 characters and counts the rest', () => {
    const path = `/${'z'.repeat(16 * 1024 - 1)}`;
    expect(loggedPath(`${path}?a=b`)).toBe(`${path.slice(0, 512)}…(+${16 * 1024 - 512})`);
  });

  it('given a surrogate pair across the cut, cuts before it', () => {
    const path = `${'a'.repeat(LOGGED_PATH_LIMIT - 1)}😀tail`;
    const logged = loggedPath(path);
    expect(logged).toBe(`${'a'.repeat(LOGGED_PATH_LIMIT - 1)}…(+${path.length - (LOGGED_PATH_LIMIT - 1)})`);
    expect(logged).not.toMatch(/[\uD800-\uDBFF]/);
  });
});
