import { checkCapabilities, checkCapability } from './capabilities.js';

const mode = (m: string) => ({ mode: m });

describe('checkCapability', () => {
  it.each([
    ['mount ext4 RWO', { mount: { fs_type: 'ext4' }, access_mode: mode('SINGLE_NODE_WRITER') }, 'mount'],
    ['mount default fs ROX', { mount: {}, access_mode: mode('MULTI_NODE_READER_ONLY') }, 'mount'],
    ['block RWX', { block: {}, access_mode: mode('MULTI_NODE_MULTI_WRITER') }, 'block'],
  ])('given %s, passes', (_label, cap, kind) => {
    expect(checkCapability(cap)).toMatchObject({ status: 'pass', value: kind });
  });

  it.each([
    [
      'mount RWX',
      { mount: {}, access_mode: mode('MULTI_NODE_MULTI_WRITER') },
      'CSI_ERR_UNSUPPORTED_CAPABILITY',
    ],
    [
      'mount btrfs',
      { mount: { fs_type: 'btrfs' }, access_mode: mode('SINGLE_NODE_WRITER') },
      'CSI_ERR_UNSUPPORTED_CAPABILITY',
    ],
    ['no access type', { access_mode: mode('SINGLE_NODE_WRITER') }, 'CSI_ERR_INVALID_ARGUMENT'],
    ['no access mode', { mount: {} }, 'CSI_ERR_INVALID_ARGUMENT'],
  ])('given %s, fails with %s', (_label, cap, code) => {
    expect(checkCapability(cap)).toMatchObject({ status: 'fail', code });
  });

  it('given no capabilities, fails INVALID_ARGUMENT', () => {
    expect(checkCapabilities([])).toMatchObject({ status: 'fail', code: 'CSI_ERR_INVALID_ARGUMENT' });
  });
});
