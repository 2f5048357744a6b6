import { CSI_ERR } from '../errors.js';
import { agreedAccessType, checkSourceFilesystem } from './source-filesystem.js';

const snapshot = { kind: 'snapshot' as const, id: 's1.c.rbd..u' };
const volume = { kind: 'volume' as const, id: 'v1.c.rbd..u' };

describe('checkSourceFilesystem', () => {
  it.each([
    [
      'a mount ext4 source as mount ext4',
      { accessType: 'mount', fsType: 'ext4' },
      { accessType: 'mount', fsType: 'ext4' },
    ],
    [
      'a block source as block (its fingerprint names ext4)',
      { accessType: 'block', fsType: 'ext4' },
      { accessType: 'block', fsType: 'xfs' },
    ],
    ['a source of an older record (nothing known)', {}, { accessType: 'block', fsType: 'xfs' }],
    [
      'a v2 record with its access type (filesystem unknown)',
      { accessType: 'mount' },
      { accessType: 'mount', fsType: 'xfs' },
    ],
    [
      'capabilities mixing block and mount, same filesystem',
      { accessType: 'mount', fsType: 'xfs' },
      { fsType: 'xfs' },
    ],
  ] as const)('given %s, passes', (_label, of, wanted) => {
    expect(checkSourceFilesystem(snapshot, of, wanted)).toMatchObject({ status: 'pass' });
  });

  it.each([
    [
      'an ext4 source as xfs',
      { accessType: 'mount', fsType: 'ext4' },
      { accessType: 'mount', fsType: 'xfs' },
      'of an ext4 volume',
      'cannot be an xfs volume',
    ],
    [
      'an xfs source without a recorded access type as ext4',
      { fsType: 'xfs' },
      { accessType: 'mount', fsType: 'ext4' },
      'of an xfs volume',
      'cannot be an ext4 volume',
    ],
    [
      'a block source as a filesystem',
      { accessType: 'block', fsType: 'ext4' },
      { accessType: 'mount', fsType: 'ext4' },
      'of a block volume',
      'cannot be an ext4 volume',
    ],
    [
      'a filesystem source as block',
      { accessType: 'mount', fsType: 'ext4' },
      { accessType: 'block', fsType: 'ext4' },
      'of an ext4 volume',
      'cannot be a block volume',
    ],
    [
      'mixed capabilities of another filesystem',
      { accessType: 'mount', fsType: 'ext4' },
      { fsType: 'xfs' },
      'of an ext4 volume',
      'xfs',
    ],
  ] as const)('given %s, answers INVALID_ARGUMENT naming both', (_label, of, wanted, was, asked) => {
    const decision = checkSourceFilesystem(snapshot, of, wanted);
    expect(decision).toMatchObject({ status: 'fail', code: CSI_ERR.UNSUPPORTED_CAPABILITY });
    const message = decision.status === 'fail' ? decision.message : '';
    expect(message).toContain(`source snapshot "${snapshot.id}" is ${was}`);
    expect(message).toContain(asked);
  });

  it('given a volume source, names it as a volume', () => {
    const decision = checkSourceFilesystem(
      volume,
      { accessType: 'block' },
      { accessType: 'mount', fsType: 'ext4' },
    );
    expect(decision.status === 'fail' && decision.message).toContain(
      `source volume "${volume.id}" is a block volume`,
    );
  });
});

describe('agreedAccessType', () => {
  it.each([
    [['mount', 'mount'], 'mount'],
    [['block'], 'block'],
    [['mount', 'block'], undefined],
    [[], undefined],
  ] as const)('given %j, returns %s', (kinds, expected) => {
    expect(agreedAccessType(kinds)).toBe(expected);
  });
});
