// The capabilities a caller names for an existing volume, held to what the volume was made as:
// ControllerExpandVolume's optional volume_capability (the CSI spec's "Exceeds capabilities" is
// INVALID_ARGUMENT, and the volume is left as it was) and ValidateVolumeCapabilities' access type.
import { status } from '@grpc/grpc-js';
import { cephCli } from '../../support/ceph.js';
import { call, codeOf, createVolume, MOUNT_RWO, startHarness, unique, type Harness } from './harness.js';

const MIB = 1024 * 1024;
const RWO = { mode: 'SINGLE_NODE_WRITER' as const };
const BLOCK_RWO = { block: {}, access_mode: RWO };
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ cleanUp: true });
});

afterAll(() => h?.stop());

const expand = (volumeId: string, bytes: number, capability?: object) =>
  call(h.controller, 'ControllerExpandVolume', {
    volume_id: volumeId,
    capacity_range: { required_bytes: bytes },
    secrets: h.secrets,
    ...(capability ? { volume_capability: capability } : {}),
  });

async function imageBytes(image: string): Promise<number> {
  const info = await cephCli(h.ceph, ['rbd', 'info', '--format', 'json', `${h.ceph.pool}/${image}`]);
  return (JSON.parse(info.stdout) as { size: number }).size;
}

describe('ControllerExpandVolume with a volume_capability', () => {
  it('given capabilities an ext4 volume does not support, answers INVALID_ARGUMENT and grows nothing', async () => {
    const vol = (await createVolume(h, { name: unique('x'), bytes: 4 * MIB })).volume!;
    for (const capability of [
      BLOCK_RWO,
      { mount: { fs_type: 'xfs' }, access_mode: RWO },
      { mount: { fs_type: 'ntfs' }, access_mode: RWO },
      { mount: { fs_type: 'ext4' }, access_mode: { mode: 'MULTI_NODE_MULTI_WRITER' } },
    ])
      expect(await codeOf(expand(vol.volume_id!, 8 * MIB, capability))).toBe(status.INVALID_ARGUMENT);
    expect(await imageBytes(vol.volume_context!['imageName']!)).toBe(4 * MIB);
  });

  it('given the capability the volume was made with (or a mount without fs_type), grows it', async () => {
    const vol = (await createVolume(h, { name: unique('x'), bytes: 4 * MIB })).volume!;
    expect(await expand(vol.volume_id!, 8 * MIB, MOUNT_RWO)).toMatchObject({
      capacity_bytes: String(8 * MIB),
    });
    const noFs = { mount: {}, access_mode: RWO };
    expect(await expand(vol.volume_id!, 12 * MIB, noFs)).toMatchObject({ capacity_bytes: String(12 * MIB) });
    const blk = (await createVolume(h, { name: unique('b'), bytes: 4 * MIB, capability: BLOCK_RWO })).volume!;
    expect(await codeOf(expand(blk.volume_id!, 8 * MIB, MOUNT_RWO))).toBe(status.INVALID_ARGUMENT);
    expect(await expand(blk.volume_id!, 8 * MIB, BLOCK_RWO)).toMatchObject({
      capacity_bytes: String(8 * MIB),
      node_expansion_required: true,
    });
  });
});

describe('ValidateVolumeCapabilities of the other access type', () => {
  it('given a block volume asked as a filesystem, or a filesystem volume asked as block, confirms nothing', async () => {
    const blk = (await createVolume(h, { name: unique('b'), bytes: 4 * MIB, capability: BLOCK_RWO })).volume!;
    const mnt = (await createVolume(h, { name: unique('m'), bytes: 4 * MIB })).volume!;
    const validate = (volumeId: string, capability: object) =>
      call(h.controller, 'ValidateVolumeCapabilities', {
        volume_id: volumeId,
        volume_capabilities: [capability],
        secrets: h.secrets,
      });
    const asMount = await validate(blk.volume_id!, MOUNT_RWO);
    expect(asMount.confirmed).toBeNull();
    expect(asMount.message).toMatch(/created as a block volume/);
    const asBlock = await validate(mnt.volume_id!, BLOCK_RWO);
    expect(asBlock.confirmed).toBeNull();
    expect(asBlock.message).toMatch(/created as a filesystem/);
    expect((await validate(blk.volume_id!, BLOCK_RWO)).confirmed).not.toBeNull();
    expect((await validate(mnt.volume_id!, MOUNT_RWO)).confirmed).not.toBeNull();
  });
});
