import { CSI_ERR } from '../errors.js';
import { checkExistingPublish, isReaderOnly, optionsAreReadOnly, stageMountOptions } from './node-access.js';

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

  const begun = { begun: true } as const;
  const notBegun = { begun: false } as const;

  it.each([
    [
      'the same publish',
      { kind: 'mount', readOnly: false, sameSource: true },
      { kind: 'mount', readOnly: false, ...notBegun },
      'done',
    ],
    [
      'the same read-only publish',
      { kind: 'block', readOnly: true, sameSource: true },
      { kind: 'block', readOnly: true, ...notBegun },
      'done',
    ],
    [
      'a read-write bind of the stage, a begun read-only publish (interrupted before its remount)',
      { kind: 'mount', readOnly: false, sameSource: true },
      { kind: 'mount', readOnly: true, ...begun },
      'remount-read-only',
    ],
    [
      'a read-write bind of the block stage, a begun read-only publish',
      { kind: 'block', readOnly: false, sameSource: true },
      { kind: 'block', readOnly: true, ...begun },
      'remount-read-only',
    ],
  ] as const)(
    'given %s at the target, passes with what is left to do',
    (_label, existing, wanted, action) => {
      expect(checkExistingPublish(existing, wanted)).toMatchObject({ status: 'pass', value: action });
    },
  );

  it.each([
    [
      'another volume',
      { kind: 'mount', readOnly: false, sameSource: false },
      { kind: 'mount', readOnly: false, ...notBegun },
      'another',
    ],
    [
      'another volume, a begun read-only publish',
      { kind: 'mount', readOnly: false, sameSource: false },
      { kind: 'mount', readOnly: true, ...begun },
      'another',
    ],
    [
      'a completed read-write publish, read-only asked',
      { kind: 'mount', readOnly: false, sameSource: true },
      { kind: 'mount', readOnly: true, ...notBegun },
      'read-write',
    ],
    [
      'a read-only publish, read-write asked',
      { kind: 'mount', readOnly: true, sameSource: true },
      { kind: 'mount', readOnly: false, ...begun },
      'read-only',
    ],
    [
      'block over mount',
      { kind: 'mount', readOnly: false, sameSource: true },
      { kind: 'block', readOnly: false, ...notBegun },
      'as mount',
    ],
    [
      'something else',
      { kind: 'other', readOnly: false, sameSource: false },
      { kind: 'mount', readOnly: true, ...begun },
      'else',
    ],
  ] as const)(
    'given %s at the target, fails ALREADY_EXISTS saying why',
    (_label, existing, wanted, reason) => {
      const decision = checkExistingPublish(existing, wanted);
      expect(decision).toMatchObject({ status: 'fail', code: CSI_ERR.NAME_CONFLICT });
      if (decision.status === 'fail') expect(decision.message).toContain(reason);
    },
  );
});
