import { CSI_ERR } from '../errors.js';
import { capabilityFsType, checkStageFsType, effectiveFsType } from './fs-type.js';

const rwo = { mode: 'SINGLE_NODE_WRITER' };
const mount = (fs_type?: string) => ({ mount: fs_type === undefined ? {} : { fs_type }, access_mode: rwo });
const block = { block: {}, access_mode: rwo };

describe('capabilityFsType', () => {
  it.each([
    ['one mount capability with xfs', [mount('xfs')], 'xfs'],
    ['two mount capabilities with xfs', [mount('xfs'), mount('xfs')], 'xfs'],
    ['xfs and one without fs_type (the plugin chooses)', [mount(), mount('xfs')], 'xfs'],
    ['a block capability and a mount one with ext4', [block, mount('ext4')], 'ext4'],
    ['only block capabilities', [block], undefined],
    ['a mount capability with an empty fs_type', [mount('')], undefined],
  ])('given %s, returns %s', (_label, caps, expected) => {
    expect(capabilityFsType(caps)).toEqual({ status: 'pass', rule: 'volume-fs-type', value: expected });
  });

  it('given mount capabilities naming ext4 and xfs, fails INVALID_ARGUMENT naming both', () => {
    const out = capabilityFsType([mount('ext4'), block, mount('xfs')]);
    expect(out).toMatchObject({ status: 'fail', code: 'CSI_ERR_INVALID_ARGUMENT' });
    if (out.status === 'fail') expect(out.message).toMatch(/ext4, xfs/);
  });
});

describe('effectiveFsType', () => {
  it.each([
    ['the capabilities name xfs, the parameter ext4', 'xfs', 'ext4', 'xfs'],
    ['the capabilities name none, the parameter xfs', undefined, 'xfs', 'xfs'],
    ['neither names one', undefined, undefined, 'ext4'],
  ])('given %s, returns %s', (_label, fromCaps, fromParam, expected) => {
    expect(effectiveFsType(fromCaps, fromParam)).toBe(expected);
  });
});

describe('checkStageFsType', () => {
  it.each(['ext4', 'xfs'])('given %s, passes with it', (fs) => {
    expect(checkStageFsType(fs)).toMatchObject({ status: 'pass', value: fs });
  });

  it.each(['ext3', 'btrfs', '', '../../bin/sh'])('given "%s", fails UNSUPPORTED_CAPABILITY', (fs) => {
    expect(checkStageFsType(fs)).toMatchObject({ status: 'fail', code: CSI_ERR.UNSUPPORTED_CAPABILITY });
  });
});
