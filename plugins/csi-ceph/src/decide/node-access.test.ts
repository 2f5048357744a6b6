import { isReaderOnly, optionsAreReadOnly, publishConflict, stageMountOptions } from './node-access.js';

describe('node access decisions', () => {
  it.each([
    ['SINGLE_NODE_READER_ONLY', true],
    ['MULTI_NODE_READER_ONLY', true],
    ['SINGLE_NODE_WRITER', false],
    ['MULTI_NODE_MULTI_WRITER', false],
  ])('given access mode %s, returns reader-only %s', (mode, expected) => {
    expect(isReaderOnly({ mount: {}, access_mode: { mode } })).toBe(expected);
  });

  it('given no capability, returns not reader-only', () => {
    expect(isReaderOnly(undefined)).toBe(false);
  });

  it.each([
    ['ext4 rw', 'ext4', ['noatime'], false, ['noatime']],
    ['ext4 ro', 'ext4', ['noatime', 'rw'], true, ['ro', 'noload', 'noatime']],
    ['xfs ro', 'xfs', [], true, ['ro', 'norecovery']],
  ])('given %s, returns the stage mount options', (_label, fs, flags, ro, expected) => {
    expect(stageMountOptions(fs, flags, ro)).toEqual(expected);
  });

  it.each([
    ['ro,relatime', true],
    ['rw,relatime', false],
    ['rw,errors=ro', false],
  ])('given mount options %s, returns read-only %s', (options, expected) => {
    expect(optionsAreReadOnly(options)).toBe(expected);
  });

  it.each([
    ['the same publish', { kind: 'mount', readOnly: false, sameSource: true }, 'mount', false, undefined],
    ['another volume', { kind: 'mount', readOnly: false, sameSource: false }, 'mount', false, 'another'],
    [
      'another readonly flag',
      { kind: 'mount', readOnly: false, sameSource: true },
      'mount',
      true,
      'read-write',
    ],
    ['block over mount', { kind: 'mount', readOnly: false, sameSource: true }, 'block', false, 'as mount'],
    ['something else', { kind: 'other', readOnly: false, sameSource: false }, 'mount', false, 'else'],
  ] as const)(
    'given %s at the target, returns the conflict',
    (_label, existing, kind, readOnly, expected) => {
      const conflict = publishConflict(existing, { kind, readOnly });
      if (expected === undefined) expect(conflict).toBeUndefined();
      else expect(conflict).toContain(expected);
    },
  );
});
