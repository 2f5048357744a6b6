import { CSI_ERR } from '../errors.js';
import type { StageRecord } from './node-layout.js';
import { checkPublishOfStage } from './node-publish.js';

const EXT4: StageRecord = {
  volumeId: 'v1.c.rbd..a',
  clusterID: 'c',
  pool: 'rbd',
  namespace: '',
  image: 'csi-vol-a',
  accessType: 'mount',
  fsType: 'ext4',
  imageFile: 'csi-vol-a',
};
const BLOCK: StageRecord = { ...EXT4, accessType: 'block' };

describe('checkPublishOfStage', () => {
  it.each([
    ['a mount stage, mount ext4', EXT4, { kind: 'mount', fsType: 'ext4' }],
    ['a mount stage, mount without fs_type', EXT4, { kind: 'mount', fsType: '' }],
    ['a block stage, block', BLOCK, { kind: 'block', fsType: '' }],
    [
      'a block stage recorded with a default fsType, block',
      { ...BLOCK, fsType: 'xfs' },
      { kind: 'block', fsType: '' },
    ],
  ] as const)('given %s, passes', (_label, record, wanted) => {
    expect(checkPublishOfStage(record, wanted).status).toBe('pass');
  });

  it.each([
    ['a mount stage, block', EXT4, { kind: 'block', fsType: '' }, /staged as mount ext4.*as block/],
    [
      'a mount stage, mount xfs',
      EXT4,
      { kind: 'mount', fsType: 'xfs' },
      /staged as mount ext4.*as mount xfs/,
    ],
    ['a block stage, mount', BLOCK, { kind: 'mount', fsType: 'ext4' }, /staged as block.*as mount ext4/],
    ['a read-only stage, block', { ...EXT4, readOnly: true }, { kind: 'block', fsType: '' }, /\(read-only\)/],
  ] as const)('given %s, fails with STAGE_MISMATCH', (_label, record, wanted, message) => {
    const decision = checkPublishOfStage(record, wanted);
    expect(decision).toMatchObject({ status: 'fail', code: CSI_ERR.STAGE_MISMATCH });
    expect(decision.status === 'fail' && decision.message).toMatch(message);
  });
});
