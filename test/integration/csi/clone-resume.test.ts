// A clone whose CreateVolume died after its image appeared but before the clone was complete: the
// reservation stays `reserved`, and the retried CreateVolume resumes it. An image being there must not
// be taken for a finished clone: librbd's clone creates the child image first and attaches the parent
// after (a death in between leaves an empty image of the source's size), and the driver grows the
// clone only after rbd_clone returned. The retry must end with the source's content at the requested
// size, or the volume handed out is empty or smaller than its record says. Against the real local Ceph.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { paramsFingerprint, parseVolumeParams } from '../../../plugins/csi-ceph/src/decide/parameters.js';
import { ConnectionPool } from '../../../plugins/csi-ceph/src/effects/ceph/connection-pool.js';
import { openSpace } from '../../../plugins/csi-ceph/src/effects/volume-space.js';
import { cephCli, type CephTool } from '../../support/ceph.js';
import { call, CLUSTER_ID, MOUNT_RWO, startHarness, type Harness } from './harness.js';

const MIB = 1024 * 1024;
const unique = (label: string) => `pvc-${label}-${Date.now()}-${Math.floor(Math.random() * 1e6)}`;

let h: Harness;
let pool: ConnectionPool;
let dir: string;

beforeAll(async () => {
  h = await startHarness();
  pool = new ConnectionPool({ timeoutSeconds: 5 });
  dir = await mkdtemp(join(tmpdir(), 'corral-clone-resume-'));
});

afterAll(async () => {
  await pool?.closeAll();
  await h?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const parameters = () => ({ clusterID: CLUSTER_ID, pool: h.ceph.pool });

async function admin(args: [CephTool, ...string[]]): Promise<string> {
  const result = await cephCli(h.ceph, args);
  if (result.code !== 0) throw new Error(`${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

function create(name: string, bytes: number, source?: object) {
  return call(h.controller, 'CreateVolume', {
    name,
    capacity_range: { required_bytes: bytes },
    volume_capabilities: [MOUNT_RWO],
    parameters: parameters(),
    secrets: h.secrets,
    ...(source ? { volume_content_source: source } : {}),
  });
}

/**
 * Writes 1 MiB of random bytes at the start of the 8 MiB `image` (export-diff of an 8 MiB scratch
 * image, imported: the diff carries the size too).
 */
async function fillWithData(image: string): Promise<void> {
  const scratch = `scratch-${randomUUID()}`;
  const data = join(dir, `${scratch}.bin`);
  const diff = join(dir, `${scratch}.diff`);
  await writeFile(data, Buffer.concat([randomBytes(MIB), Buffer.alloc(7 * MIB)]));
  await admin(['rbd', 'import', '--no-progress', data, `${h.ceph.pool}/${scratch}`]);
  await admin(['rbd', 'export-diff', '--no-progress', `${h.ceph.pool}/${scratch}`, diff]);
  await admin(['rbd', 'import-diff', '--no-progress', diff, `${h.ceph.pool}/${image}`]);
  await admin(['rbd', 'rm', '--no-progress', `${h.ceph.pool}/${scratch}`]);
}

/** SHA-256 of the image's first `bytes` bytes. */
async function contentHash(image: string, bytes: number): Promise<string> {
  const file = join(dir, `${image}-${randomUUID()}.img`);
  await admin(['rbd', 'export', '--no-progress', `${h.ceph.pool}/${image}`, file]);
  const content = await readFile(file);
  await rm(file, { force: true });
  return createHash('sha256').update(content.subarray(0, bytes)).digest('hex');
}

async function sizeOf(image: string): Promise<number> {
  return (
    JSON.parse(await admin(['rbd', 'info', '--format', 'json', `${h.ceph.pool}/${image}`])) as {
      size: number;
    }
  ).size;
}

/** The reservation a CreateVolume of a clone of `sourceId` leaves when it dies: no lease, `reserved`. */
async function leaveCloneReservation(name: string, uuid: string, bytes: number, sourceId: string) {
  const parsed = parseVolumeParams(parameters());
  if (parsed.status !== 'pass') throw new Error('bad params');
  const target = { clusterID: CLUSTER_ID, monitors: [h.ceph.mon] };
  await pool.with(target, h.secrets as { userID: string; userKey: string }, async (conn) => {
    const space = await openSpace(conn, h.ceph.pool, '');
    await space.journal.putVolume(uuid, {
      name,
      image: `csi-vol-${uuid}`,
      bytes: String(bytes),
      fingerprint: paramsFingerprint(parsed.value),
      state: 'reserved',
      source: `volume:${sourceId}`,
    });
  });
}

async function sourceVolume(label: string) {
  const source = (await create(unique(label), 8 * MIB)).volume!;
  const image = source.volume_context!['imageName']!;
  await fillWithData(image);
  return { id: source.volume_id!, image };
}

/** Deletes the clone, then its source (deletable once the clone is gone). */
async function cleanUp(cloneId: string | undefined, sourceId: string): Promise<void> {
  for (const id of [cloneId, sourceId]) {
    await vi.waitFor(() => call(h.controller, 'DeleteVolume', { volume_id: id, secrets: h.secrets }), {
      timeout: 10_000,
    });
  }
}

describe('CreateVolume resuming a clone left half-made', () => {
  it('given a clone made at the source size but never grown, the retry grows it to the requested size', async () => {
    const source = await sourceVolume('grow-src');
    const name = unique('grow');
    const uuid = randomUUID();
    const clone = `csi-vol-${uuid}`;
    await leaveCloneReservation(name, uuid, 16 * MIB, source.id);
    const snap = `${h.ceph.pool}/${source.image}@csi-clone-${uuid}`;
    await admin(['rbd', 'snap', 'create', '--no-progress', snap]);
    await admin(['rbd', 'clone', '--rbd-default-clone-format', '2', snap, `${h.ceph.pool}/${clone}`]);
    expect(await sizeOf(clone)).toBe(8 * MIB);

    const res = await create(name, 16 * MIB, { volume: { volume_id: source.id } });
    expect(res.volume?.volume_context?.['imageName']).toBe(clone);
    expect(res.volume?.capacity_bytes).toBe(String(16 * MIB));
    expect(await sizeOf(clone)).toBe(16 * MIB);
    expect(await contentHash(clone, 8 * MIB)).toBe(await contentHash(source.image, 8 * MIB));
    await cleanUp(res.volume?.volume_id, source.id);
  });

  it('given an image left without its parent (died inside rbd_clone), the retry makes the clone again', async () => {
    const source = await sourceVolume('orphan-src');
    const name = unique('orphan');
    const uuid = randomUUID();
    const clone = `csi-vol-${uuid}`;
    await leaveCloneReservation(name, uuid, 8 * MIB, source.id);
    // What rbd_clone has done when it dies between creating the child and attaching its parent.
    await admin(['rbd', 'create', '--size', '8', '--image-feature', 'layering', `${h.ceph.pool}/${clone}`]);
    expect(await contentHash(clone, 8 * MIB)).not.toBe(await contentHash(source.image, 8 * MIB));

    const res = await create(name, 8 * MIB, { volume: { volume_id: source.id } });
    expect(res.volume?.volume_context?.['imageName']).toBe(clone);
    expect(await contentHash(clone, 8 * MIB)).toBe(await contentHash(source.image, 8 * MIB));
    await cleanUp(res.volume?.volume_id, source.id);
  });
});
