import { CSI_ERR } from '../errors.js';
import type { StageRecord } from './node-layout.js';
import { checkPublishOfStage, publishPlan, type BrokenStagePublish } from './node-publish.js';

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

describe('publishPlan (a publish of a stage whose condition is abnormal)', () => {
  const condition = {
    abnormal: true,
    message:
      'volume v1.c.rbd..a staged at /s: the rbd-fuse daemon serving /s/fuse is gone. To recover, restart the pods using it.',
  };
  const found = (over: Partial<BrokenStagePublish>): BrokenStagePublish => ({
    condition,
    users: { fsUsers: [], deviceUsers: [] },
    target: '/t2',
    canRepair: true,
    ...over,
  });

  it('given nothing else using the stage and credentials, repairs it', () => {
    expect(publishPlan(found({}))).toMatchObject({ status: 'pass', value: 'repair' });
  });

  it.each([
    [
      'its filesystem published elsewhere',
      { fsUsers: ['/t1', '/t1'], deviceUsers: [] },
      'its filesystem is still mounted at /t1, so',
    ],
    [
      'its device bound at a block publish',
      { fsUsers: [], deviceUsers: ['/b1'] },
      'its device is still bound at /b1, so',
    ],
  ])('given %s, answers STAGE_BROKEN naming the mounts, credentials or not', (_label, users, names) => {
    for (const canRepair of [true, false]) {
      const out = publishPlan(found({ users, canRepair }));
      expect(out).toMatchObject({ status: 'fail', code: CSI_ERR.STAGE_BROKEN });
      const message = out.status === 'fail' ? out.message : '';
      expect(message.startsWith(condition.message)).toBe(true);
      expect(message).toContain('Not published at /t2: ');
      expect(message).toContain(names);
    }
  });

  it('given no credentials, answers STAGE_BROKEN saying how to recover', () => {
    const out = publishPlan(found({ canRepair: false }));
    expect(out).toMatchObject({ status: 'fail', code: CSI_ERR.STAGE_BROKEN });
    expect(out.status === 'fail' && out.message).toContain('carries no secrets (userID, userKey)');
    expect(out.status === 'fail' && out.message).toContain('csi.storage.k8s.io/node-publish-secret-name');
  });
});
