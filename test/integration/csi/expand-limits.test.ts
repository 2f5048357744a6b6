// ControllerExpandVolume past what librbd can give the image is a capacity the plugin cannot provide:
// OUT_OF_RANGE (CSI spec), never INTERNAL, and the volume stays as it was (image size and journal
// record). The limit is read from the image itself (its features and object size), not assumed.
// Against the real local Ceph.
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { status, type ServiceError } from '@grpc/grpc-js';
import { ConnectionPool } from '../../../plugins/csi-ceph/src/effects/ceph/connection-pool.js';
import { growImage, imageLayout, withImage } from '../../../plugins/csi-ceph/src/effects/ceph/rbd-images.js';
import { openSpace } from '../../../plugins/csi-ceph/src/effects/volume-space.js';
import { CSI_ERR, isCsiError } from '../../../plugins/csi-ceph/src/errors.js';
import { cephCli } from '../../support/ceph.js';
import { call, CLUSTER_ID, MOUNT_RWO, startHarness, type Harness } from './harness.js';

const MIB = 1024 * 1024;
const TIB = 1024 * 1024 * MIB;
const OBJECT_MAP = 'layering,exclusive-lock,object-map';
const unique = (label: string) => `pvc-${label}-${Date.now()}-${Math.floor(Math.random() * 1e6)}`;

let h: Harness;
const pool = new ConnectionPool({ timeoutSeconds: 5 });

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await pool.closeAll();
  await h?.stop();
});

async function create(target: Harness, bytes: number, features: string) {
  const res = await call(target.controller, 'CreateVolume', {
    name: unique('exp'),
    capacity_range: { required_bytes: bytes },
    volume_capabilities: [MOUNT_RWO],
    parameters: { clusterID: CLUSTER_ID, pool: target.ceph.pool, imageFeatures: features },
    secrets: target.secrets,
  });
  return { id: res.volume!.volume_id!, image: res.volume!.volume_context!['imageName']! };
}

const expand = (target: Harness, id: string, bytes: number) =>
  call(target.controller, 'ControllerExpandVolume', {
    volume_id: id,
    capacity_range: { required_bytes: bytes },
    secrets: target.secrets,
    volume_capability: MOUNT_RWO,
  });

const remove = (target: Harness, id: string) =>
  call(target.controller, 'DeleteVolume', { volume_id: id, secrets: target.secrets });

async function failure(promise: Promise<unknown>): Promise<ServiceError> {
  return promise.then(
    () => {
      throw new Error('the call succeeded');
    },
    (err: ServiceError) => err,
  );
}

async function rbdInfo(image: string): Promise<{ size: number; order: number }> {
  const out = await cephCli(h.ceph, ['rbd', 'info', '--format', 'json', `${h.ceph.pool}/${image}`]);
  if (out.code !== 0) throw new Error(`rbd info ${image}: ${out.stderr}`);
  return JSON.parse(out.stdout) as { size: number; order: number };
}

/** Runs `fn` in the default namespace of the test pool, with the CSI user's own connection. */
function inSpace<T>(fn: (space: Awaited<ReturnType<typeof openSpace>>) => Promise<T>): Promise<T> {
  const creds = { userID: 'csi', userKey: h.ceph.csiKey };
  return pool.with({ clusterID: CLUSTER_ID, monitors: [h.ceph.mon] }, creds, (conn) =>
    openSpace(conn, h.ceph.pool, '').then(fn),
  );
}

const recordBytes = (id: string) =>
  inSpace(async (space) => (await space.journal.volume(id.split('.').pop()!))?.bytes);

/** A driver whose librbd makes images of 2^order-byte objects (rbd_default_order in --ceph-conf). */
async function withOrder<T>(order: number, fn: (target: Harness) => Promise<T>): Promise<T> {
  const conf = join(h.dir, `order${order}.conf`);
  await writeFile(conf, `[global]\nrbd_default_order = ${order}\n`);
  const target = await startHarness({ ceph: h.ceph, extraArgs: ['--ceph-conf', conf] });
  try {
    return await fn(target);
  } finally {
    await target.stop();
    await rm(conf, { force: true });
  }
}

describe('ControllerExpandVolume past the image size limit', () => {
  it('given object-map and 4 MiB objects, 2 PiB is OUT_OF_RANGE naming the limit, and the volume is unchanged', async () => {
    const { id, image } = await create(h, 8 * MIB, OBJECT_MAP);
    for (let attempt = 0; attempt < 2; attempt++) {
      const err = await failure(expand(h, id, 2 * 1024 * TIB));
      expect(err.code).toBe(status.OUT_OF_RANGE);
      expect(err.details).toMatch(/^CSI_ERR_CAPACITY_OUT_OF_RANGE: .*object-map.* objects of 4194304 bytes/);
    }
    expect((await rbdInfo(image)).size).toBe(8 * MIB);
    expect(await recordBytes(id)).toBe(String(8 * MIB));
    // Still an ordinary volume: a size it can take works.
    expect((await expand(h, id, 16 * MIB)).capacity_bytes).toBe(String(16 * MIB));
    expect((await rbdInfo(image)).size).toBe(16 * MIB);
    expect(await recordBytes(id)).toBe(String(16 * MIB));
    await remove(h, id);
  });

  it('given an image of 1 MiB objects, the limit is that object size (500 TiB refused before librbd is asked)', async () => {
    await withOrder(20, async (small) => {
      const { id, image } = await create(small, 8 * MIB, OBJECT_MAP);
      expect((await rbdInfo(image)).order).toBe(20);
      // 500 TiB fits 4 MiB objects (about 976 TiB) but not 1 MiB ones (about 244 TiB).
      const err = await failure(expand(small, id, 500 * TIB));
      expect(err.code).toBe(status.OUT_OF_RANGE);
      expect(err.details).toContain('objects of 1048576 bytes');
      expect(err.details).not.toContain('rbd_resize');
      expect((await rbdInfo(image)).size).toBe(8 * MIB);
      expect(await recordBytes(id)).toBe(String(8 * MIB));
      await remove(small, id);
    });
  });

  it('given librbd itself refusing a resize (object map full), growImage answers OUT_OF_RANGE and keeps the size', async () => {
    const { id, image } = await create(h, 8 * MIB, OBJECT_MAP);
    const outcome = await inSpace((space) =>
      withImage(space.ioctx, image, async (handle) => {
        const layout = await imageLayout(handle, image);
        const err = await growImage(handle, image, 2n * 1024n * BigInt(TIB)).then(
          () => undefined,
          (e: unknown) => e,
        );
        return { layout, err, after: (await imageLayout(handle, image)).bytes };
      }),
    );
    expect(outcome.layout).toMatchObject({ bytes: BigInt(8 * MIB), objectBytes: BigInt(4 * MIB) });
    expect(outcome.layout.features & 8n).toBe(8n); // object-map
    expect(isCsiError(outcome.err, CSI_ERR.CAPACITY_OUT_OF_RANGE)).toBe(true);
    expect((outcome.err as Error).message).toContain('rbd_resize');
    expect(outcome.after).toBe(BigInt(8 * MIB));
    await remove(h, id);
  });
});
