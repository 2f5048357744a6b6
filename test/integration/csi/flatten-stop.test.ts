// A shutdown stops a running flatten (rbd_flatten_with_progress: the progress callback answers a
// negative value once the driver is stopping, and librbd starts no further object) instead of
// waiting for it to copy the whole parent; the clone keeps its parent, and the next controller's
// resume scan finishes it. Against the real local Ceph, with a clone of a volume holding 256 MiB of
// data (a full flatten takes seconds here; the stop takes about one object's copy-up).
import { status } from '@grpc/grpc-js';
import { flattenImage, withImage } from '../../../plugins/csi-ceph/src/effects/ceph/rbd-images.js';
import { ConnectionPool } from '../../../plugins/csi-ceph/src/effects/ceph/connection-pool.js';
import { CSI_ERR } from '../../../plugins/csi-ceph/src/errors.js';
import { cephCli, rbdFill, startCeph, type CephEnv } from '../../support/ceph.js';
import { call, codeOf, CLUSTER_ID, MOUNT_RWO, startHarness, type Harness } from './harness.js';

const MIB = 1024 * 1024;
const unique = (label: string) => `pvc-${label}-${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
let ceph: CephEnv;

beforeAll(async () => {
  ceph = await startCeph();
});

function create(h: Harness, name: string, bytes: number, source?: object) {
  return call(h.controller, 'CreateVolume', {
    name,
    capacity_range: { required_bytes: bytes },
    volume_capabilities: [MOUNT_RWO],
    parameters: { clusterID: CLUSTER_ID, pool: ceph.pool },
    secrets: h.secrets,
    ...(source ? { volume_content_source: source } : {}),
  });
}

async function admin(args: string[]): Promise<string> {
  const out = await cephCli(ceph, args as ['rbd', ...string[]]);
  if (out.code !== 0) throw new Error(`${args.join(' ')}: ${out.stderr}`);
  return out.stdout;
}

const parentOf = async (image: string) =>
  (
    JSON.parse(await admin(['rbd', 'info', '--format', 'json', `${ceph.pool}/${image}`])) as {
      parent?: { image: string };
    }
  ).parent?.image;

/** A volume whose first `mib` MiB hold data (rbd bench writes every object), and a clone of it. */
async function cloneOfFullVolume(h: Harness, mib: number) {
  const source = (await create(h, unique('full'), mib * MIB)).volume!;
  const sourceImage = source.volume_context!['imageName']!;
  await rbdFill(ceph, `${ceph.pool}/${sourceImage}`, mib);
  const clone = (await create(h, unique('clone'), mib * MIB, { volume: { volume_id: source.volume_id } }))
    .volume!;
  return { source, sourceImage, cloneImage: clone.volume_context!['imageName']! };
}

describe('flatten stopped by shutdown', () => {
  it('given stop() true, rbd_flatten_with_progress ends FLATTEN_STOPPED and the clone keeps its parent', async () => {
    const h = await startHarness({ ceph });
    const pool = new ConnectionPool({ timeoutSeconds: 5 });
    try {
      const { sourceImage, cloneImage } = await cloneOfFullVolume(h, 64);
      await h.stop();
      expect(await parentOf(cloneImage)).toBe(sourceImage); // the shutdown stopped its flatten
      const target = { clusterID: CLUSTER_ID, monitors: [ceph.mon] };
      const err = await pool
        .with(target, { userID: 'csi', userKey: ceph.csiKey }, async (conn) => {
          const ioctx = await conn.ioctx(ceph.pool, '');
          return withImage(ioctx, cloneImage, (image) => flattenImage(image, cloneImage, () => true));
        })
        .catch((e: unknown) => e);
      expect(err).toMatchObject({ code: CSI_ERR.FLATTEN_STOPPED });
      expect(await parentOf(cloneImage)).toBe(sourceImage);
    } finally {
      await pool.closeAll();
    }
  });

  it('given a shutdown while a large clone flattens, stops it, and the next start finishes it', async () => {
    const h = await startHarness({ ceph });
    const { source, sourceImage, cloneImage } = await cloneOfFullVolume(h, 256);
    // CreateVolume answered; its flatten runs in the background now. Shut down at once.
    await h.stop();
    const stopped = h.logs.lines.filter(
      (l) => l['msg'] === 'flatten stopped by shutdown: resumed at next start',
    );
    expect(stopped.map((l) => l['image'])).toEqual([cloneImage]);
    expect(await parentOf(cloneImage)).toBe(sourceImage);

    const fresh = await startHarness({ ceph });
    try {
      await vi.waitFor(async () => expect(await parentOf(cloneImage)).toBeUndefined(), {
        timeout: 60_000,
        interval: 500,
      });
      // The source is deletable once the resumed flatten let go of it (a retry may race its cleanup).
      const del = () =>
        call(fresh.controller, 'DeleteVolume', { volume_id: source.volume_id, secrets: fresh.secrets });
      await vi.waitFor(async () => expect(await codeOf(del())).toBe(status.OK), {
        timeout: 10_000,
        interval: 500,
      });
    } finally {
      await fresh.stop();
    }
  }, 120_000);
});
