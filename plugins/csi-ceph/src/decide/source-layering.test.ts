import { CSI_ERR } from '../errors.js';
import { checkSnapshotLayering, checkSourceLayering } from './source-layering.js';

const LAYERING = 1n;
const EXCLUSIVE_LOCK = 4n;

describe('checkSourceLayering', () => {
  const snapshot = { kind: 'snapshot' as const, id: 's1.c.rbd..u' };
  const volume = { kind: 'volume' as const, id: 'v1.c.rbd..u' };
  it.each([
    ['layering alone', LAYERING],
    ['layering among others', LAYERING | EXCLUSIVE_LOCK | 8n],
  ])('given a source with %s, passes', (_what, features) => {
    expect(checkSourceLayering(snapshot, features).status).toBe('pass');
    expect(checkSourceLayering(volume, features).status).toBe('pass');
  });

  it.each([
    [
      'a snapshot',
      snapshot,
      /source snapshot "s1\.c\.rbd\.\.u" is of a volume made without the RBD layering/,
    ],
    ['a volume', volume, /source volume "v1\.c\.rbd\.\.u" is a volume made without the RBD layering/],
  ])(
    'given %s without layering, answers INVALID_ARGUMENT naming it and what to do',
    (_what, source, message) => {
      const answer = checkSourceLayering(source, EXCLUSIVE_LOCK);
      expect(answer).toMatchObject({
        status: 'fail',
        code: CSI_ERR.INVALID_ARGUMENT,
        rule: 'source-layering',
      });
      if (answer.status === 'fail') expect(answer.message).toMatch(message);
      if (answer.status === 'fail') expect(answer.message).toMatch(/imageFeatures/);
    },
  );
});

describe('checkSnapshotLayering', () => {
  it('given a volume with layering, passes', () => {
    expect(checkSnapshotLayering('v1.c.rbd..u', LAYERING | EXCLUSIVE_LOCK).status).toBe('pass');
  });

  it('given a volume without layering (no features at all too), answers INVALID_ARGUMENT', () => {
    for (const features of [0n, EXCLUSIVE_LOCK]) {
      const answer = checkSnapshotLayering('v1.c.rbd..u', features);
      expect(answer).toMatchObject({ status: 'fail', code: CSI_ERR.INVALID_ARGUMENT });
      if (answer.status === 'fail') expect(answer.message).toMatch(/could never be restored/);
    }
  });
});
