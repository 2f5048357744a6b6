// A volume restored from a snapshot or cloned from a volume holds the source's blocks: asked with
// another filesystem than the source's, or as block from a filesystem source (or the reverse), it
// could not be staged as asked. CreateVolume refuses it up front with INVALID_ARGUMENT naming both,
// and makes nothing; the same filesystem, or block from block, still works.
import { status } from '@grpc/grpc-js';
import { cephCli } from '../../support/ceph.js';
import { createSnapshot, createVolume, MOUNT_RWO, startHarness, type Harness } from './harness.js';

const MIB = 1024 * 1024;
const run = `${process.pid}-${Date.now() % 100000}`;
const BLOCK = { block: {}, access_mode: { mode: 'SINGLE_NODE_WRITER' } };
const XFS = { mount: { fs_type: 'xfs' }, access_mode: { mode: 'SINGLE_NODE_WRITER' } };
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ cleanUp: true });
});

afterAll(() => h?.stop());

const create = async (label: string, capability: object, source?: object) =>
  (await createVolume(h, { name: `srcfs-${label}-${run}`, bytes: 8 * MIB, capability, source })).volume!;

const snapshotOf = async (label: string, volumeId: string) =>
  (await createSnapshot(h, `srcfs-snap-${label}-${run}`, volumeId)).snapshot!.snapshot_id!;

const images = async () =>
  (await cephCli(h.ceph, ['rbd', 'ls', '--pool', h.ceph.pool])).stdout.split('\n').filter(Boolean).sort();

/** CreateVolume's error, and that no image was made for it. */
async function refused(label: string, capability: object, source: object) {
  const before = await images();
  const err = await create(label, capability, source).then(
    () => undefined,
    (e: { code: number; details: string }) => e,
  );
  expect(await images()).toEqual(before);
  return err;
}

describe('CreateVolume from a source with another filesystem', { timeout: 60_000 }, () => {
  it('given an ext4 snapshot restored as xfs or as block, answers INVALID_ARGUMENT naming both; as ext4, OK', async () => {
    const source = await create('ext4', MOUNT_RWO);
    const snapshot = { snapshot: { snapshot_id: await snapshotOf('ext4', source.volume_id!) } };

    const asXfs = await refused('ext4-as-xfs', XFS, snapshot);
    expect(asXfs).toMatchObject({ code: status.INVALID_ARGUMENT });
    expect(asXfs?.details).toContain('is of an ext4 volume');
    expect(asXfs?.details).toContain('cannot be an xfs volume');

    const asBlock = await refused('ext4-as-block', BLOCK, snapshot);
    expect(asBlock).toMatchObject({ code: status.INVALID_ARGUMENT });
    expect(asBlock?.details).toContain('cannot be a block volume');

    const restored = await create('ext4-as-ext4', MOUNT_RWO, snapshot);
    expect(restored.volume_context?.['csi.storage.k8s.io/fstype']).toBe('ext4');
    // An empty fs_type takes the parameter's, else ext4: the source's filesystem.
    const asDefault = await create(
      'ext4-as-default',
      { mount: {}, access_mode: { mode: 'SINGLE_NODE_WRITER' } },
      snapshot,
    );
    expect(asDefault.volume_context?.['csi.storage.k8s.io/fstype']).toBe('ext4');
  });

  it('given a block volume cloned or restored as a filesystem, answers INVALID_ARGUMENT; as block, OK', async () => {
    const source = await create('block', BLOCK);
    const clone = { volume: { volume_id: source.volume_id } };
    const snapshot = { snapshot: { snapshot_id: await snapshotOf('block', source.volume_id!) } };

    for (const [i, from] of [clone, snapshot].entries()) {
      const err = await refused(`block-as-ext4-${i}`, MOUNT_RWO, from);
      expect(err).toMatchObject({ code: status.INVALID_ARGUMENT });
      expect(err?.details).toMatch(/source (volume|snapshot) ".*" is (of )?a block volume/);
      expect(err?.details).toContain('cannot be an ext4 volume');
    }
    await create('block-as-block-clone', BLOCK, clone);
    await create('block-as-block-snap', BLOCK, snapshot);
  });

  it('given an xfs volume cloned as ext4, answers INVALID_ARGUMENT', async () => {
    const source = await create('xfs', XFS);
    const err = await refused('xfs-as-ext4', MOUNT_RWO, { volume: { volume_id: source.volume_id } });
    expect(err).toMatchObject({ code: status.INVALID_ARGUMENT });
    expect(err?.details).toContain('is an xfs volume');
    await create('xfs-as-xfs', XFS, { volume: { volume_id: source.volume_id } });
  });
});
