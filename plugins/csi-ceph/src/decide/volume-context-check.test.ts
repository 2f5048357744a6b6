import { unconfirmedAccessType, unconfirmedContext, unconfirmedFilesystem } from './volume-context-check.js';

const ref = {
  clusterID: 'ceph-a',
  pool: 'rbd',
  namespace: 'web',
  uuid: '0f8fad5b-d9cb-469f-a165-70867728950e',
};
const image = `csi-vol-${ref.uuid}`;

describe('unconfirmedContext', () => {
  it.each([
    ['nothing to confirm', {}, {}, undefined],
    [
      "the volume's own parameters and image",
      { clusterID: 'ceph-a', pool: 'rbd' },
      { imageName: image },
      undefined,
    ],
    ['another cluster', { clusterID: 'nope', pool: 'rbd' }, {}, /cluster nope/],
    ['another pool', { clusterID: 'ceph-a', pool: 'other' }, {}, /pool other/],
    ['bad image features', { clusterID: 'ceph-a', pool: 'rbd', imageFeatures: 'bogus' }, {}, /^parameters: /],
    ['another image', {}, { imageName: 'not-this-one' }, /not this volume's image/],
  ])('given %s, answers %s', (_what, parameters, context, expected) => {
    const answer = unconfirmedContext(ref, image, parameters, context);
    if (expected === undefined) expect(answer).toBeUndefined();
    else expect(answer).toMatch(expected);
  });
});

describe('unconfirmedFilesystem', () => {
  const rwo = { mode: 'SINGLE_NODE_WRITER' };
  const mount = (fs_type: string) => ({ mount: { fs_type }, access_mode: rwo });
  const block = { block: {}, access_mode: rwo };
  const FS = 'csi.storage.k8s.io/fstype';
  it.each([
    ['an xfs volume asked for xfs', 'xfs', [mount('xfs')], {}, {}, undefined],
    ['an xfs volume asked for a block capability', 'xfs', [block], {}, {}, undefined],
    ['an xfs volume with its volume_context', 'xfs', [mount('xfs')], {}, { [FS]: 'xfs' }, undefined],
    ['an xfs volume asked for ext4', 'xfs', [mount('ext4')], {}, {}, /created for a xfs filesystem; .* ext4/],
    ['an xfs volume with the fstype parameter ext4', 'xfs', [block], { [FS]: 'ext4' }, {}, /asks for ext4/],
    [
      'an ext4 volume with a volume_context naming xfs',
      'ext4',
      [mount('ext4')],
      {},
      { [FS]: 'xfs' },
      /volume_context names filesystem xfs/,
    ],
    [
      'capabilities naming two filesystems',
      'xfs',
      [mount('xfs'), mount('ext4')],
      {},
      {},
      /different filesystems/,
    ],
    [
      'a record of an older driver (filesystem unknown), asked for xfs with an ext4 context',
      undefined,
      [mount('xfs')],
      {},
      { [FS]: 'ext4' },
      undefined,
    ],
    [
      'a record of an older driver, capabilities naming two filesystems',
      undefined,
      [mount('xfs'), mount('ext4')],
      {},
      {},
      /different filesystems/,
    ],
  ])('given %s, answers %s', (_what, recorded, caps, parameters, context, expected) => {
    const answer = unconfirmedFilesystem(recorded, caps, parameters, context);
    if (expected === undefined) expect(answer).toBeUndefined();
    else expect(answer).toMatch(expected);
  });
});

describe('unconfirmedAccessType', () => {
  const rwo = { mode: 'SINGLE_NODE_WRITER' };
  const mount = { mount: { fs_type: 'ext4' }, access_mode: rwo };
  const block = { block: {}, access_mode: rwo };
  it.each([
    ['a block volume asked for block', 'block', [block], undefined],
    ['a mount volume asked for mount', 'mount', [mount], undefined],
    ['a volume whose record does not say, asked for both', undefined, [mount, block], undefined],
    ['a block volume asked for a filesystem', 'block', [mount], /created as a block volume/],
    ['a mount volume asked for block among mounts', 'mount', [mount, block], /created as a filesystem/],
  ] as const)('given %s, answers %s', (_what, recorded, capabilities, expected) => {
    const answer = unconfirmedAccessType(recorded, capabilities);
    if (expected === undefined) expect(answer).toBeUndefined();
    else expect(answer).toMatch(expected);
  });
});
