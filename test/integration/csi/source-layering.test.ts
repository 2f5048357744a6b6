// Volumes made without the RBD `layering` feature (a StorageClass whose imageFeatures leaves it out):
// librbd clones only images that have it (rbd_clone: ENOSYS), so neither a clone of such a volume
// nor a restore of its snapshot can ever be made. CreateVolume from such a source is INVALID_ARGUMENT
// (the CSI spec's "source incompatible or not supported") before anything is reserved or made, and
// CreateSnapshot of such a volume is INVALID_ARGUMENT too: a snapshot is ready_to_use only when it
// may be a volume_content_source. Before, the snapshot was answered ready and every restore INTERNAL.
import { randomUUID } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import { cephCli } from '../../support/ceph.js';
import { call, CLUSTER_ID, createSnapshot, createVolume, unique } from './harness.js';
import { harnessPerFile } from './harness-per-file.js';

const MIB = 1024 * 1024;
const h = harnessPerFile({ cleanUp: true });

const rados = (...args: string[]) => cephCli(h().ceph, ['rados', '-p', h().ceph.pool, ...args]);
const journalKeys = async () => (await rados('listomapkeys', 'csi.corral.journal')).stdout;
const images = async () => (await cephCli(h().ceph, ['rbd', 'ls', '--pool', h().ceph.pool])).stdout;
const snaps = async (image: string) =>
  (await cephCli(h().ceph, ['rbd', 'snap', 'ls', '--all', `${h().ceph.pool}/${image}`])).stdout;

const withoutLayering = async (label: string) =>
  (
    await createVolume(h(), {
      name: unique(label),
      bytes: 4 * MIB,
      parameters: { imageFeatures: 'exclusive-lock' },
    })
  ).volume!;

describe('a volume made without layering', () => {
  it('given CreateSnapshot of it, answers INVALID_ARGUMENT naming layering, and makes no RBD snapshot or reservation', async () => {
    const vol = await withoutLayering('nl');
    const image = vol.volume_context!['imageName']!;
    const name = unique('snap');
    const err = await createSnapshot(h(), name, vol.volume_id).catch(
      (e: { code: number; details: string }) => e,
    );
    expect(err).toMatchObject({ code: status.INVALID_ARGUMENT, details: expect.stringMatching(/layering/) });
    expect(await snaps(image)).not.toContain('csi-snap-');
    expect(await journalKeys()).not.toContain(name);
  });

  it('given a clone of it, answers INVALID_ARGUMENT and leaves no image, temporary snapshot or reservation', async () => {
    const vol = await withoutLayering('nl');
    const image = vol.volume_context!['imageName']!;
    const before = await images();
    const name = unique('clone');
    const err = await createVolume(h(), {
      name,
      bytes: 4 * MIB,
      source: { volume: { volume_id: vol.volume_id } },
    }).catch((e: { code: number; details: string }) => e);
    expect(err).toMatchObject({ code: status.INVALID_ARGUMENT, details: expect.stringMatching(/layering/) });
    expect(await images()).toBe(before);
    expect(await snaps(image)).not.toContain('csi-clone-');
    expect(await journalKeys()).not.toContain(name);
  });

  it('given a snapshot of it recorded before this check, a restore answers INVALID_ARGUMENT and makes nothing', async () => {
    const vol = await withoutLayering('nl');
    const image = vol.volume_context!['imageName']!;
    const uuid = randomUUID();
    const snapName = unique('old-snap');
    const snap = `csi-snap-${uuid}`;
    expect(
      (await cephCli(h().ceph, ['rbd', 'snap', 'create', `${h().ceph.pool}/${image}@${snap}`])).code,
    ).toBe(0);
    const record = {
      name: snapName,
      sourceUuid: vol.volume_id!.split('.').pop(),
      sourceImage: image,
      snap,
      bytes: String(4 * MIB),
      createdAt: new Date().toISOString(),
      state: 'ready',
    };
    expect((await rados('setomapval', 'csi.corral.journal', `su/${uuid}`, JSON.stringify(record))).code).toBe(
      0,
    );
    expect((await rados('setomapval', 'csi.corral.journal', `sn/${snapName}`, uuid)).code).toBe(0);
    const snapshotId = `s1.${CLUSTER_ID}.${h().ceph.pool}..${uuid}`;
    try {
      const before = await images();
      const name = unique('restore');
      const err = await createVolume(h(), {
        name,
        bytes: 4 * MIB,
        source: { snapshot: { snapshot_id: snapshotId } },
      }).catch((e: { code: number; details: string }) => e);
      expect(err).toMatchObject({
        code: status.INVALID_ARGUMENT,
        details: expect.stringMatching(/layering/),
      });
      expect(await images()).toBe(before);
      expect(await journalKeys()).not.toContain(name);
    } finally {
      await call(h().controller, 'DeleteSnapshot', { snapshot_id: snapshotId, secrets: h().secrets });
    }
  });

  it('given layering, snapshots, restores and clones are made as before', async () => {
    const vol = (
      await createVolume(h(), {
        name: unique('l'),
        bytes: 4 * MIB,
        parameters: { imageFeatures: 'layering,exclusive-lock' },
      })
    ).volume!;
    const snap = (await createSnapshot(h(), unique('s'), vol.volume_id)).snapshot!;
    expect(snap.ready_to_use).toBe(true);
    await createVolume(h(), {
      name: unique('r'),
      bytes: 4 * MIB,
      source: { snapshot: { snapshot_id: snap.snapshot_id } },
    });
    await createVolume(h(), {
      name: unique('c'),
      bytes: 4 * MIB,
      source: { volume: { volume_id: vol.volume_id } },
    });
  });
});
