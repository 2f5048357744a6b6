import { checkExpandOfStage } from './node-expand.js';

describe('checkExpandOfStage', () => {
  it('given a normal condition, returns pass', () => {
    expect(checkExpandOfStage({ abnormal: false, message: 'volume v staged at /s: fine' })).toMatchObject({
      status: 'pass',
    });
  });

  it('given an abnormal condition, returns STAGE_BROKEN with its message and that nothing was grown', () => {
    const out = checkExpandOfStage({
      abnormal: true,
      message: 'volume v staged at /s: its filesystem failed.',
    });
    expect(out).toMatchObject({ status: 'fail', code: 'CSI_ERR_STAGE_BROKEN' });
    expect(out.status === 'fail' && out.message).toMatch(
      /^volume v staged at \/s: its filesystem failed\. It was not grown \(nothing was changed\)/,
    );
  });
});
