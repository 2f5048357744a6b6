// A driver killed between "reserve" and "ready" leaves a reservation (with or without the image).
// The retried CreateVolume must resume it: one image, the reserved UUID, no orphan.
import { randomUUID } from 'node:crypto';
import { paramsFingerprint, parseVolumeParams } from '../../../plugins/csi-ceph/src/decide/parameters.js';
import { ConnectionPool } from '../../../plugins/csi-ceph/src/effects/ceph/connection-pool.js';
import { createImage } from '../../../plugins/csi-ceph/src/effects/ceph/rbd-images.js';
import { openSpace } from '../../../plugins/csi-ceph/src/effects/volume-space.js';
import { cephCli } from '../../support/ceph.js';
import { call, CLUSTER_ID, MOUNT_RWO, startHarness, type Harness } from './harness.js';

const MIB = 1024 * 1024;
let h: Harness;
let pool: ConnectionPool;

beforeAll(async () => {
  h = await startHarness();
  pool = new ConnectionPool({ timeoutSeconds: 5 });
});

afterAll(async () => {
  await pool?.closeAll();
  await h?.stop();
});

const parameters = () => ({ clusterID: CLUSTER_ID, pool: h.ceph.pool });

/** Writes what a killed driver leaves behind: the reservation, and the image when `withImage`. */
async function leaveReservation(name: string, withImage: boolean): Promise<string> {
  const parsed = parseVolumeParams(parameters());
  if (parsed.status !== 'pass') throw new Error('bad params');
  const uuid = randomUUID();
  const image = `csi-vol-${uuid}`;
  const target = { clusterID: CLUSTER_ID, monitors: [h.ceph.mon] };
  await pool.with(target, h.secrets as { userID: string; userKey: string }, async (conn) => {
    const space = await openSpace(conn, h.ceph.pool, '');
    await space.journal.putVolume(uuid, {
      name,
      image,
      bytes: String(8 * MIB),
      fingerprint: paramsFingerprint(parsed.value),
      state: 'reserved',
    });
    if (withImage) await createImage(space.ioctx, image, BigInt(8 * MIB), 1n);
  });
  return image;
}

const imagesNamed = async (prefix: string) =>
  (await cephCli(h.ceph, ['rbd', 'ls', '--pool', h.ceph.pool])).stdout
    .split('\n')
    .filter((n) => n.startsWith(prefix));

describe('CreateVolume after a crash', () => {
  it.each([
    ['before the image was created', false],
    ['after the image was created', true],
  ])(
    'given a reservation left %s, the retry resumes it: one image, the reserved name',
    async (_label, withImage) => {
      const name = `crash-${withImage}-${Date.now()}`;
      const image = await leaveReservation(name, withImage);
      const res = await call(h.controller, 'CreateVolume', {
        name,
        capacity_range: { required_bytes: 8 * MIB },
        volume_capabilities: [MOUNT_RWO],
        parameters: parameters(),
        secrets: h.secrets,
      });
      expect(res.volume?.volume_context?.['imageName']).toBe(image);
      expect(await imagesNamed(image)).toEqual([image]);
      // And it is now an ordinary, deletable volume.
      await call(h.controller, 'DeleteVolume', { volume_id: res.volume?.volume_id, secrets: h.secrets });
      expect(await imagesNamed(image)).toEqual([]);
    },
  );
});
