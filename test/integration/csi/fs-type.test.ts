// The filesystem as Kubernetes passes it, on real Ceph: the external-provisioner strips the
// StorageClass's `csi.storage.k8s.io/fstype` from CreateVolume's parameters and sends it as the mount
// capability's fs_type. The volume context and the journal must carry that type, so that a stage
// whose capability names no filesystem formats the right one, a repeat with another type is refused,
// and ValidateVolumeCapabilities agrees; volumes journaled before (fstype parameter only) still work.
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { paramsFingerprint, parseVolumeParams } from '../../../plugins/csi-ceph/src/decide/parameters.js';
import { decodeId } from '../../../plugins/csi-ceph/src/decide/volume-id.js';
import { ConnectionPool } from '../../../plugins/csi-ceph/src/effects/ceph/connection-pool.js';
import { openSpace } from '../../../plugins/csi-ceph/src/effects/volume-space.js';
import { runCommand } from '../../support/ceph.js';
import { call, codeOf, CLUSTER_ID } from './harness.js';
import { nodeSuite, type Volume } from './node-calls.js';

const MIB = 1024 * 1024;
const FSTYPE = 'csi.storage.k8s.io/fstype';
const RWO = { mode: 'SINGLE_NODE_WRITER' };
const XFS = { mount: { fs_type: 'xfs' }, access_mode: RWO };
const EXT4 = { mount: { fs_type: 'ext4' }, access_mode: RWO };
/** What kubelet sends for a PV without an fsType. */
const NO_FS = { mount: {}, access_mode: RWO };

const suite = nodeSuite('fs-type');
let pool: ConnectionPool;
beforeAll(() => {
  pool = new ConnectionPool({ timeoutSeconds: 5 });
});
afterAll(async () => {
  await pool?.closeAll();
});

/** CreateVolume as the external-provisioner sends it: no fstype parameter (unless `parameters` add one). */
const create = (name: string, caps: object[], parameters: Record<string, string> = {}) =>
  call(suite.controller.controller, 'CreateVolume', {
    name,
    capacity_range: { required_bytes: 320 * MIB },
    volume_capabilities: caps,
    parameters: { clusterID: CLUSTER_ID, pool: suite.controller.ceph.pool, ...parameters },
    secrets: suite.controller.secrets,
  });

const validate = (volume: Volume, caps: object[], context = volume.volume_context) =>
  call(suite.controller.controller, 'ValidateVolumeCapabilities', {
    volume_id: volume.volume_id,
    volume_capabilities: caps,
    volume_context: context,
    secrets: suite.controller.secrets,
  });

/** The filesystem mounted at the staging path. */
async function stagedFs(staging: string): Promise<string> {
  return (await runCommand('findmnt', ['-n', '-o', 'FSTYPE', join(staging, 'fs')])).stdout.trim();
}

async function cleanUp(volume: Volume, staging: string) {
  await suite.unstage(volume, staging);
  await call(suite.controller.controller, 'DeleteVolume', {
    volume_id: volume.volume_id,
    secrets: suite.controller.secrets,
  });
}

describe('CreateVolume takes the filesystem from the mount capability', () => {
  it('given a mount capability xfs and no fstype parameter, records xfs, and a stage without fs_type formats xfs', async () => {
    const name = `fs-xfs-${Date.now()}`;
    const volume = (await create(name, [XFS])).volume!;
    expect(volume.volume_context![FSTYPE]).toBe('xfs');

    // Idempotent with the same capabilities; another filesystem is another volume.
    const again = (await create(name, [XFS])).volume!;
    expect(again.volume_id).toBe(volume.volume_id);
    expect(again.volume_context).toEqual(volume.volume_context);
    expect(await codeOf(create(name, [EXT4]))).toBe(status.ALREADY_EXISTS);

    // kubelet sends the PV's fsType in the capability; without one the volume context speaks.
    const staging = join(suite.work, 'xfs');
    await suite.stage(volume, staging, NO_FS);
    expect(await stagedFs(staging)).toBe('xfs');

    expect((await validate(volume, [XFS])).confirmed).toBeTruthy();
    const ext4 = await validate(volume, [EXT4]);
    expect(ext4.confirmed).toBeFalsy();
    expect(ext4.message).toMatch(/created for a xfs filesystem/);
    await cleanUp(volume, staging);
  });

  it('given mount capabilities naming ext4 and xfs, CreateVolume is INVALID_ARGUMENT and makes nothing', async () => {
    const name = `fs-both-${Date.now()}`;
    const err = await create(name, [EXT4, XFS]).catch((e: { code: number; details: string }) => e);
    expect(err).toMatchObject({ code: status.INVALID_ARGUMENT });
    expect((err as { details: string }).details).toMatch(/different filesystems \(ext4, xfs\)/);
    // Nothing was reserved: the name is free for a request that names one filesystem.
    const made = (await create(name, [EXT4])).volume!;
    expect(made.volume_context![FSTYPE]).toBe('ext4');
    await call(suite.controller.controller, 'DeleteVolume', {
      volume_id: made.volume_id,
      secrets: suite.controller.secrets,
    });
  });

  it('given a block capability only, the fstype parameter (else ext4) is recorded, as before', async () => {
    const block = { block: {}, access_mode: RWO };
    const named = (await create(`fs-block-${Date.now()}`, [block], { [FSTYPE]: 'xfs' })).volume!;
    const plain = (await create(`fs-block2-${Date.now()}`, [block])).volume!;
    expect(named.volume_context![FSTYPE]).toBe('xfs');
    expect(plain.volume_context![FSTYPE]).toBe('ext4');
    for (const volume of [named, plain]) {
      await call(suite.controller.controller, 'DeleteVolume', {
        volume_id: volume.volume_id,
        secrets: suite.controller.secrets,
      });
    }
  });
});

describe('a volume journaled before the capability counted (fstype parameter only)', () => {
  /** Rewrites the volume's record as the older driver wrote it: a v2 fingerprint with ext4. */
  async function recordAsBefore(volume: Volume) {
    const ref = decodeId('v1', volume.volume_id!)!;
    const parsed = parseVolumeParams({ clusterID: CLUSTER_ID, pool: suite.controller.ceph.pool });
    if (parsed.status !== 'pass') throw new Error('bad params');
    const v2 = paramsFingerprint(parsed.value).replace('["v3"', '["v2"');
    const target = { clusterID: CLUSTER_ID, monitors: [suite.controller.ceph.mon] };
    const secrets = suite.controller.secrets as { userID: string; userKey: string };
    await pool.with(target, secrets, async (conn) => {
      const space = await openSpace(conn, ref.pool, ref.namespace);
      const record = (await space.journal.volume(ref.uuid))!;
      await space.journal.putVolume(ref.uuid, { ...record, fingerprint: v2 });
    });
  }

  it('given its create repeated, returns it with the capability’s xfs; it stages xfs with its old ext4 context', async () => {
    const name = `fs-old-${Date.now()}`;
    const made = (await create(name, [XFS])).volume!;
    await recordAsBefore(made);
    // The older driver answered ext4 whatever the capability said; the PV keeps that context.
    const old: Volume = { ...made, volume_context: { ...made.volume_context, [FSTYPE]: 'ext4' } };

    const again = (await create(name, [XFS])).volume!;
    expect(again.volume_id).toBe(made.volume_id);
    expect(again.volume_context![FSTYPE]).toBe('xfs');

    const staging = join(suite.work, 'old');
    await suite.stage(old, staging, XFS);
    expect(await stagedFs(staging)).toBe('xfs');
    // Its record does not say which filesystem it has: the capability is not second-guessed.
    expect((await validate(old, [XFS])).confirmed).toBeTruthy();
    await cleanUp(old, staging);
  });
});
