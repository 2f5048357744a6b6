import { CSI_ERR } from '../errors.js';
import { checkExpandCapability } from './expand-capability.js';

const rwo = { mode: 'SINGLE_NODE_WRITER' };
const mount = (fs_type: string, mode = rwo) => ({ mount: { fs_type }, access_mode: mode });
const block = { block: {}, access_mode: rwo };
const ext4Mount = { accessType: 'mount', fsType: 'ext4' } as const;
const blockVolume = { accessType: 'block', fsType: 'ext4' } as const;

describe('checkExpandCapability', () => {
  it.each([
    ['no capability', undefined, ext4Mount],
    ['the ext4 mount it was made with', mount('ext4'), ext4Mount],
    ['a mount without fs_type (the PV names none)', mount(''), ext4Mount],
    ['a block capability of a block volume', block, blockVolume],
    ['any supported capability of a volume whose record says nothing', mount('xfs'), {}],
    ['a block capability of a volume whose access type is not recorded', block, { fsType: 'ext4' }],
  ])('given %s, passes', (_what, capability, volume) => {
    expect(checkExpandCapability(capability, volume).status).toBe('pass');
  });

  it.each([
    ['an unsupported filesystem', mount('ntfs'), ext4Mount, /ntfs/],
    [
      'a filesystem for a multi-node writer',
      mount('ext4', { mode: 'MULTI_NODE_MULTI_WRITER' }),
      ext4Mount,
      /MULTI_NODE_MULTI_WRITER/,
    ],
    ['a block capability of a filesystem volume', block, ext4Mount, /created as a filesystem .* block/],
    ['a mount capability of a block volume', mount('ext4'), blockVolume, /created as a block volume/],
    ['another filesystem than it was made with', mount('xfs'), ext4Mount, /created for a ext4 .* xfs/],
    ['no access mode', { mount: { fs_type: 'ext4' } }, ext4Mount, /access mode/],
  ])('given %s, answers INVALID_ARGUMENT naming it', (_what, capability, volume, message) => {
    const answer = checkExpandCapability(capability, volume);
    expect(answer).toMatchObject({ status: 'fail', rule: 'expand-capability' });
    if (answer.status !== 'fail') return;
    expect([CSI_ERR.INVALID_ARGUMENT, CSI_ERR.UNSUPPORTED_CAPABILITY]).toContain(answer.code);
    expect(answer.message).toMatch(message);
  });
});
