// A pool at its quota (`ceph osd pool set-quota POOL max_bytes N`): Ceph holds every write that needs
// room there, so CreateVolume, CreateSnapshot and ControllerExpandVolume used to wait for
// --ceph-timeout and answer UNAVAILABLE "errno 110", and DeleteVolume too. Now the first three answer
// RESOURCE_EXHAUSTED (CSI_ERR_POOL_FULL) at once, naming the pool and its quota, leaving no image,
// snapshot or journal key; DeleteVolume succeeds (librbd's trash object is made for it: the pool
// never had a removal); a repeat of a create that succeeded answers the volume; once the quota is
// raised the retries succeed, each making exactly one image or snapshot.
// On a pool of its own, with a cephx user of its own (the harness's client.csi covers pool rbd only).
import { performance } from 'node:perf_hooks';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { status, type ServiceError } from '@grpc/grpc-js';
import { ERRNO } from '../../../plugins/csi-ceph/src/effects/ceph/ceph-call.js';
import type * as PoolFlags from '../../../plugins/csi-ceph/src/effects/ceph/pool-flags.js';
import { RadosConnection } from '../../../plugins/csi-ceph/src/effects/ceph/rados-connection.js';
import { createImage } from '../../../plugins/csi-ceph/src/effects/ceph/rbd-images.js';
import { openSpace } from '../../../plugins/csi-ceph/src/effects/volume-space.js';
import { cephCli, rbdImages, rbdSnapshots, type CephTool } from '../../support/ceph.js';
import { call, CLUSTER_ID, MOUNT_RWO, startHarness, unique, type Harness } from './harness.js';

/** While set, the driver reads every pool as having room: the check ran just before the pool filled. */
const stale = vi.hoisted(() => ({ room: false }));
vi.mock('../../../plugins/csi-ceph/src/effects/ceph/pool-flags.js', async (importOriginal) => {
  const real = await importOriginal<typeof PoolFlags>();
  return {
    ...real,
    poolFullness: (...args: Parameters<typeof real.poolFullness>) =>
      stale.room ? Promise.resolve(new Map()) : real.poolFullness(...args),
  };
});

const MIB = 1024 * 1024;
const POOL = `corral-full-${Math.floor(Math.random() * 1e9)}`;
const USER = `corral-full-${Math.floor(Math.random() * 1e9)}`;
const QUOTA = 4 * MIB;
/** The driver's --ceph-timeout: what a held write used to wait. */
const CEPH_TIMEOUT_SECONDS = 10;
/** "At once": well before the timeout, with room for a busy machine. */
const FAST_MS = 3_000;

let h: Harness;
let secrets: { userID: string; userKey: string };

async function admin(args: readonly [CephTool, ...string[]]): Promise<string> {
  const out = await cephCli(h.ceph, args);
  if (out.code !== 0) throw new Error(`${args.join(' ')}: ${out.stderr}`);
  return out.stdout;
}

/** The pool's flags as the OSD map has them (`full`, `full_quota`, …). */
async function poolFlags(): Promise<string[]> {
  const pools = JSON.parse(await admin(['ceph', 'osd', 'pool', 'ls', 'detail', '--format', 'json'])) as {
    pool_name: string;
    flags_names: string;
  }[];
  return pools.find((p) => p.pool_name === POOL)?.flags_names.split(',') ?? [];
}

const setQuota = async (bytes: number, full: boolean) => {
  await admin(['ceph', 'osd', 'pool', 'set-quota', POOL, 'max_bytes', String(bytes)]);
  // The mons mark (or clear) the pool full once its usage reaches them: a few seconds.
  await vi.waitFor(async () => expect((await poolFlags()).includes('full_quota')).toBe(full), {
    timeout: 60_000,
    interval: 500,
  });
};

/** The journal's keys in the pool (`vn/<name>`, `vu/<uuid>`, `sn/…`, `su/…`). */
async function journalKeys(): Promise<string[]> {
  const out = await cephCli(h.ceph, ['rados', '-p', POOL, 'listomapkeys', 'csi.corral.journal']);
  if (out.code !== 0) throw new Error(out.stderr);
  return out.stdout.split('\n').filter((key) => key !== '');
}

const params = () => ({ clusterID: CLUSTER_ID, pool: POOL });

const create = (name: string, bytes = 16 * MIB) =>
  call(h.controller, 'CreateVolume', {
    name,
    capacity_range: { required_bytes: bytes },
    volume_capabilities: [MOUNT_RWO],
    parameters: params(),
    secrets,
  });

const snapshot = (name: string, volumeId: string) =>
  call(h.controller, 'CreateSnapshot', { name, source_volume_id: volumeId, secrets });

const expand = (volumeId: string, bytes: number) =>
  call(h.controller, 'ControllerExpandVolume', {
    volume_id: volumeId,
    capacity_range: { required_bytes: bytes },
    secrets,
  });

const remove = (volumeId: string) => call(h.controller, 'DeleteVolume', { volume_id: volumeId, secrets });

/** How the call failed and how long it took to say so. */
async function refusal(promise: Promise<unknown>): Promise<{ code: number; details: string; ms: number }> {
  const t0 = performance.now();
  const err = await promise.then(
    () => {
      throw new Error('the call succeeded');
    },
    (e: unknown) => e as ServiceError,
  );
  return { code: err.code, details: err.details, ms: performance.now() - t0 };
}

async function timed<T>(promise: Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  const value = await promise;
  return { value, ms: performance.now() - t0 };
}

const imageOf = (volume: { volume_context?: Record<string, string> } | null | undefined) =>
  volume?.volume_context?.['imageName'] ?? '';

let kept: { id: string; image: string };
let doomed: { id: string; image: string };
let doomedSnap: { id: string; name: string };
const keptName = unique('kept');

beforeAll(async () => {
  h = await startHarness({ cephTimeoutSeconds: CEPH_TIMEOUT_SECONDS });
  await admin(['ceph', 'osd', 'pool', 'create', POOL, '1', '1']);
  await admin(['ceph', 'osd', 'pool', 'application', 'enable', POOL, 'rbd']);
  await admin(['rbd', 'pool', 'init', POOL]);
  const caps = ['mon', 'profile rbd', 'osd', `profile rbd pool=${POOL}`];
  await admin(['ceph', 'auth', 'get-or-create', `client.${USER}`, ...caps]);
  secrets = { userID: USER, userKey: (await admin(['ceph', 'auth', 'print-key', `client.${USER}`])).trim() };
  // Two volumes while there is room: one kept through the test, one to delete once the pool is full.
  const made = await create(keptName);
  kept = { id: made.volume!.volume_id!, image: imageOf(made.volume) };
  const other = await create(unique('doomed'));
  doomed = { id: other.volume!.volume_id!, image: imageOf(other.volume) };
  const snap = await snapshot(unique('doomed-snap'), doomed.id);
  doomedSnap = {
    id: snap.snapshot!.snapshot_id!,
    name: `csi-snap-${snap.snapshot!.snapshot_id!.split('.').pop()!}`,
  };
  // 8 MiB of data, then a 4 MiB quota: the pool is past it.
  const file = join(tmpdir(), `${POOL}.bin`);
  await writeFile(file, Buffer.alloc(8 * MIB, 7));
  await admin(['rados', '-p', POOL, 'put', 'filler', file]);
  await rm(file, { force: true });
  await setQuota(QUOTA, true);
}, 180_000);

afterAll(async () => {
  if (h) {
    await cephCli(h.ceph, ['ceph', 'osd', 'pool', 'rm', POOL, POOL, '--yes-i-really-really-mean-it']);
    await cephCli(h.ceph, ['ceph', 'auth', 'rm', `client.${USER}`]);
  }
  await h?.stop();
});

// `ceph` commands are Python processes, slow on a busy machine: more than the default 20 s per test.
describe('a pool at its quota', { timeout: 90_000 }, () => {
  const newName = unique('new');
  const snapName = unique('snap');

  it('given CreateVolume, answers RESOURCE_EXHAUSTED at once naming the pool and its quota, and makes nothing', async () => {
    const imagesBefore = await rbdImages(h.ceph, POOL);
    const keysBefore = await journalKeys();
    const out = await refusal(create(newName));
    expect(out.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(out.ms).toBeLessThan(FAST_MS);
    expect(out.details).toMatch(/^CSI_ERR_POOL_FULL: /);
    expect(out.details).toContain(`pool "${POOL}" is at its quota (max_bytes ${QUOTA})`);
    expect(out.details).toContain(`ceph osd pool set-quota ${POOL} max_bytes|max_objects N`);
    expect(out.details).toContain('free space in the pool');
    expect(await rbdImages(h.ceph, POOL)).toEqual(imagesBefore);
    expect(await journalKeys()).toEqual(keysBefore);
    expect(keysBefore).not.toContain(`vn/${newName}`);
  });

  it('given a repeat of a CreateVolume that succeeded, answers the same volume', async () => {
    const again = await timed(create(keptName));
    expect(again.value.volume?.volume_id).toBe(kept.id);
    expect(again.ms).toBeLessThan(FAST_MS);
  });

  it('given CreateSnapshot, answers RESOURCE_EXHAUSTED at once, and takes no snapshot', async () => {
    const out = await refusal(snapshot(snapName, kept.id));
    expect(out.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(out.ms).toBeLessThan(FAST_MS);
    expect(out.details).toContain(`pool "${POOL}" is at its quota`);
    expect(out.details).toContain('no snapshot can be taken');
    expect(await rbdSnapshots(h.ceph, `${POOL}/${kept.image}`)).toEqual([]);
    expect(await journalKeys()).not.toContain(`sn/${snapName}`);
  });

  it('given ControllerExpandVolume to more, answers RESOURCE_EXHAUSTED at once and grows nothing; to its size, succeeds', async () => {
    const out = await refusal(expand(kept.id, 32 * MIB));
    expect(out.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(out.ms).toBeLessThan(FAST_MS);
    expect(out.details).toContain('the volume cannot grow');
    const info = JSON.parse(await admin(['rbd', 'info', '--format', 'json', `${POOL}/${kept.image}`])) as {
      size: number;
    };
    expect(info.size).toBe(16 * MIB);
    const same = await timed(expand(kept.id, 16 * MIB));
    expect(same.value.capacity_bytes).toBe(String(16 * MIB));
    expect(same.ms).toBeLessThan(FAST_MS);
  });

  it('given DeleteSnapshot, removes the RBD snapshot and its journal keys at once', async () => {
    const uuid = doomedSnap.id.split('.').pop()!;
    expect(await rbdSnapshots(h.ceph, `${POOL}/${doomed.image}`)).toEqual([doomedSnap.name]);
    const out = await timed(call(h.controller, 'DeleteSnapshot', { snapshot_id: doomedSnap.id, secrets }));
    expect(out.ms).toBeLessThan(FAST_MS);
    expect(await rbdSnapshots(h.ceph, `${POOL}/${doomed.image}`)).toEqual([]);
    expect(await journalKeys()).not.toContain(`su/${uuid}`);
  });

  it('given DeleteVolume, removes the image and its journal keys at once', async () => {
    const uuid = doomed.id.split('.').pop()!;
    expect(await journalKeys()).toContain(`vu/${uuid}`);
    const out = await timed(remove(doomed.id));
    expect(out.ms).toBeLessThan(FAST_MS);
    expect(await rbdImages(h.ceph, POOL)).not.toContain(doomed.image);
    expect(await journalKeys()).not.toContain(`vu/${uuid}`);
  });

  it('given a CreateVolume whose check found room (the pool filled just after), refuses its write at once and undoes it', async () => {
    const imagesBefore = await rbdImages(h.ceph, POOL);
    const keysBefore = await journalKeys();
    stale.room = true;
    const out = await refusal(create(unique('raced'))).finally(() => {
      stale.room = false;
    });
    expect(out.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(out.ms).toBeLessThan(FAST_MS);
    expect(out.details).toContain(`pool "${POOL}" is at its quota: `);
    expect(await rbdImages(h.ceph, POOL)).toEqual(imagesBefore);
    expect(await journalKeys()).toEqual(keysBefore);
  });

  it('given a CreateSnapshot whose check found room (the pool filled just after), answers RESOURCE_EXHAUSTED and leaves nothing', async () => {
    // The snapshot's writes carry no FULL_TRY (librbd would mark its object map invalid), so Ceph
    // holds them until --ceph-timeout; that answer was UNAVAILABLE "errno 110", its reservation kept.
    const name = unique('raced-snap');
    stale.room = true;
    const out = await refusal(snapshot(name, kept.id)).finally(() => {
      stale.room = false;
    });
    expect(out.code).toBe(status.RESOURCE_EXHAUSTED);
    // Held for --ceph-timeout (librbd's steps after the held one take a few seconds more).
    expect(out.ms).toBeLessThan(2 * CEPH_TIMEOUT_SECONDS * 1000);
    expect(out.details).toMatch(/^CSI_ERR_POOL_FULL: /);
    expect(out.details).toContain(`pool "${POOL}" is at its quota (max_bytes ${QUOTA})`);
    expect(out.details).toContain('no snapshot can be taken');
    expect(await rbdSnapshots(h.ceph, `${POOL}/${kept.image}`)).toEqual([]);
    expect((await journalKeys()).filter((key) => key.startsWith('sn/') || key.startsWith('su/'))).toEqual([]);
  });

  it('given a growing ControllerExpandVolume whose check found room (the pool filled just after), answers RESOURCE_EXHAUSTED and grows nothing', async () => {
    stale.room = true;
    const out = await refusal(expand(kept.id, 32 * MIB)).finally(() => {
      stale.room = false;
    });
    expect(out.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(out.ms).toBeLessThan(CEPH_TIMEOUT_SECONDS * 1000 + FAST_MS);
    expect(out.details).toContain(`pool "${POOL}" is at its quota (max_bytes ${QUOTA})`);
    expect(out.details).toContain('the volume cannot grow');
    const info = JSON.parse(await admin(['rbd', 'info', '--format', 'json', `${POOL}/${kept.image}`])) as {
      size: number;
    };
    expect(info.size).toBe(16 * MIB);
  });

  it('given the writes that meet it anyway (it filled after the check), answers them at once', async () => {
    const conn = await RadosConnection.connect({ monitors: [h.ceph.mon], ...secrets, timeoutSeconds: 10 });
    try {
      const space = await openSpace(conn, POOL, '');
      const t0 = performance.now();
      // A new image: refused (EDQUOT) instead of held; a journal key of the existing object: written.
      await expect(
        createImage(space.fullTryIoctx, unique('raced'), 16n * BigInt(MIB), 1n),
      ).rejects.toMatchObject({
        code: 'CSI_ERR_POOL_FULL',
        details: { errno: ERRNO.EDQUOT },
      });
      const name = unique('raced-key');
      const uuid = unique('uuid');
      await space.journal.putVolume(uuid, { name, image: 'x', bytes: '1', fingerprint: '', state: 'ready' });
      await space.journal.removeVolume(uuid, name);
      expect(performance.now() - t0).toBeLessThan(FAST_MS);
    } finally {
      await conn.close();
    }
  });

  describe('once the quota is raised', () => {
    beforeAll(() => setQuota(0, false), 90_000);

    it('given the refused CreateVolume again, makes exactly one image', async () => {
      const before = await rbdImages(h.ceph, POOL);
      const made = await create(newName);
      const again = await create(newName);
      expect(again.volume?.volume_id).toBe(made.volume?.volume_id);
      const added = (await rbdImages(h.ceph, POOL)).filter((image) => !before.includes(image));
      expect(added).toEqual([imageOf(made.volume)]);
      expect((await journalKeys()).filter((key) => key === `vn/${newName}`)).toHaveLength(1);
    });

    it('given the refused CreateSnapshot and expansion again, takes one snapshot and grows the image', async () => {
      const snap = await snapshot(snapName, kept.id);
      expect(snap.snapshot?.ready_to_use).toBe(true);
      expect(await rbdSnapshots(h.ceph, `${POOL}/${kept.image}`)).toHaveLength(1);
      expect((await expand(kept.id, 32 * MIB)).capacity_bytes).toBe(String(32 * MIB));
    });
  });
});
