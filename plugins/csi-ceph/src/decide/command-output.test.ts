import { lastLines, withoutSecrets } from './command-output.js';

const key = 'QVFEeUV3VnJmSWhiTVJBQTRCeEFTUDhUbko0R0tBU2V1Y3JSYkE9PQ==';

describe('withoutSecrets', () => {
  it.each([
    [
      'a key Ceph could not decode',
      `auth: failed to decode key '${key}'`,
      "auth: failed to decode key '[REDACTED]'",
    ],
    ['the value twice', `${key} and ${key}`, '[REDACTED] and [REDACTED]'],
    ['no secret', 'mount: wrong fs type', 'mount: wrong fs type'],
    ['a cephx key not given', 'key AQDyEwVrfIhbMRAA4BxASP8TnJ4GKASeucrRbA==', 'key [REDACTED]'],
  ])('given %s, returns the output without it', (_name, output, expected) => {
    expect(withoutSecrets(output, [key])).toBe(expected);
  });

  it('given an empty secret, changes nothing', () => {
    expect(withoutSecrets('a b', [''])).toBe('a b');
  });
});

describe('lastLines', () => {
  it("given Ceph's stderr (a blank line after each line), returns the last non-blank lines", () => {
    expect(lastLines('a\n\nb\n\nc\n\nd\n\n')).toBe('b | c | d');
    expect(lastLines('  only  \n')).toBe('only');
    expect(lastLines('')).toBe('');
  });
});
