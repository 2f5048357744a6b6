// The undo of a failed CreateSnapshot / CreateVolume against the real local Ceph, with a failure
// injected right after the snapshot or image exists (the controller's `steps` seam, Ceph itself
// untouched): a failed create leaves no orphan, a retry after an outage completes the same snapshot
// (never a second one), and an attempt whose reservation was taken over leaves the new holder's image
// alone. The handlers run in process with their own deps (no gRPC needed for these paths).
import { randomUUID } from 'node:crypto';
import { createLogger, memoryDestination } from '@corral/runtime';
import type { Self } from '../../../plugins/csi-ceph/src/decide/journal-records.js';
import { ConnectionPool } from '../../../plugins/csi-ceph/src/effects/ceph/connection-pool.js';
import {
  imageSize,
  removeImage,
  setMetadata,
} from '../../../plugins/csi-ceph/src/effects/ceph/rbd-images.js';
import { openSpace } from '../../../plugins/csi-ceph/src/effects/volume-space.js';
import { CSI_ERR, csiError } from '../../../plugins/csi-ceph/src/errors.js';
import { BackgroundJobs } from '../../../plugins/csi-ceph/src/transport/background-jobs.js';
import type { ControllerDeps } from '../../../plugins/csi-ceph/src/transport/controller/controller-deps.js';
import { createVolume } from '../../../plugins/csi-ceph/src/transport/controller/create-volume.js';
import { createSnapshot } from '../../../plugins/csi-ceph/src/transport/controller/snapshots.js';
import { OperationLocks } from '../../../plugins/csi-ceph/src/transport/operation-locks.js';
import { cephCli, rbdImages, rbdSnapshots, startCeph, type CephEnv } from '../../support/ceph.js';
import { CLUSTER_ID, MOUNT_RWO } from './harness.js';

const MIB = 1024 * 1024;
let ceph: CephEnv;
let pool: ConnectionPool;
const unique = (label: string) => `${label}-${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
const ctx = {
  rpc: 'CreateVolume',
  requestId: 'test',
  log: createLogger({ level: 'warn', name: 'csi-undo', destination: memoryDestination().stream }),
};

beforeAll(async () => {
  ceph = await startCeph();
  pool = new ConnectionPool({ timeoutSeconds: 5 });
});

afterAll(async () => {
  await pool?.closeAll();
});

function depsWith(extra: Partial<ControllerDeps> = {}): ControllerDeps {
  const cluster = { clusterID: CLUSTER_ID, monitors: [ceph.mon], radosNamespace: '', pools: [ceph.pool] };
  return {
    clusters: new Map([[CLUSTER_ID, cluster]]),
    pool,
    locks: new OperationLocks(),
    jobs: new BackgroundJobs(),
    ...extra,
  };
}

const secrets = () => ({ userID: 'csi', userKey: ceph.csiKey });

function volumeRequest(name: string) {
  return {
    name,
    capacity_range: { required_bytes: 4 * MIB, limit_bytes: 0 },
    volume_capabilities: [MOUNT_RWO],
    parameters: { clusterID: CLUSTER_ID, pool: ceph.pool },
    secrets: secrets(),
    mutable_parameters: {},
  } as unknown as Parameters<typeof createVolume>[0];
}

const snapshotRequest = (name: string, sourceId: string) =>
  ({ name, source_volume_id: sourceId, secrets: secrets(), parameters: {} }) as unknown as Parameters<
    typeof createSnapshot
  >[0];

const snapsOf = (image: string) => rbdSnapshots(ceph, `${ceph.pool}/${image}`);

const images = () => rbdImages(ceph, ceph.pool);

async function source(deps: ControllerDeps) {
  const volume = (await createVolume(volumeRequest(unique('pvc-src')), ctx, deps)).volume!;
  return { id: volume.volume_id!, image: volume.volume_context!['imageName']! };
}

async function journalKeys(prefix: string): Promise<string[]> {
  const out = await cephCli(ceph, ['rados', '--pool', ceph.pool, 'listomapkeys', 'csi.corral.journal']);
  return out.stdout.split('\n').filter((key) => key.startsWith(prefix));
}

describe('CreateSnapshot undo', () => {
  it('given a failure after the RBD snapshot exists, removes it and the reservation; the retry makes one', async () => {
    const deps = depsWith();
    const src = await source(deps);
    const name = unique('snapshot');
    const failing = depsWith({
      steps: {
        imageSize: async () => {
          throw csiError(CSI_ERR.CEPH, 'rbd_get_size: errno 5 (injected)');
        },
      },
    });
    await expect(createSnapshot(snapshotRequest(name, src.id), failing)).rejects.toMatchObject({
      code: CSI_ERR.CEPH,
    });
    expect(await snapsOf(src.image)).toEqual([]);
    expect(await journalKeys(`sn/${name}`)).toEqual([]);

    const made = await createSnapshot(snapshotRequest(name, src.id), deps);
    expect(made.snapshot?.ready_to_use).toBe(true);
    expect(await snapsOf(src.image)).toHaveLength(1);
  });

  it('given Ceph unavailable after the RBD snapshot exists, the retry completes that same snapshot', async () => {
    const deps = depsWith();
    const src = await source(deps);
    const name = unique('snapshot');
    let failed = false;
    const outage = depsWith({
      steps: {
        imageSize: async () => {
          failed = true;
          throw csiError(CSI_ERR.CEPH_UNAVAILABLE, 'rbd_get_size: errno 110 (injected)');
        },
      },
    });
    await expect(createSnapshot(snapshotRequest(name, src.id), outage)).rejects.toMatchObject({
      code: CSI_ERR.CEPH_UNAVAILABLE,
    });
    expect(failed).toBe(true);
    const left = await snapsOf(src.image);
    expect(left).toHaveLength(1); // kept with its reservation, for the retry to complete
    const made = await createSnapshot(snapshotRequest(name, src.id), deps);
    expect(made.snapshot?.snapshot_id).toContain(left[0]!.replace('csi-snap-', ''));
    expect(await snapsOf(src.image)).toEqual(left);
  });
});

describe('CreateSnapshot resumed after its volume grew', () => {
  it('given the volume expanded between the snapshot and the retry, reports the size the snapshot captured', async () => {
    const deps = depsWith();
    const src = await source(deps);
    const name = unique('snapshot');
    const outage = depsWith({
      steps: {
        imageSize: async () => {
          throw csiError(CSI_ERR.CEPH_UNAVAILABLE, 'rbd_get_size: errno 110 (injected)');
        },
      },
    });
    await expect(createSnapshot(snapshotRequest(name, src.id), outage)).rejects.toMatchObject({
      code: CSI_ERR.CEPH_UNAVAILABLE,
    });
    await cephCli(ceph, ['rbd', 'resize', '--size', '8M', `${ceph.pool}/${src.image}`]);
    const made = await createSnapshot(snapshotRequest(name, src.id), deps);
    expect(made.snapshot?.size_bytes).toBe(String(4 * MIB));
  });
});

describe('CreateVolume undo after a take-over', () => {
  it('given its reservation taken over before its cleanup, the old attempt leaves the new holder image alone', async () => {
    const host = `undo-host-${randomUUID()}`;
    const me: Self = { host, pid: 101, boot: 'boot-a', running: new Set(), pidAlive: () => false };
    // The taker: same host, another process, which sees the first one's PID as dead.
    const taker: Self = { host, pid: 202, boot: 'boot-b', running: new Set(), pidAlive: () => false };
    const name = unique('pvc-taken');
    let takenBy: string | undefined;
    const deps = depsWith({
      journal: { self: me },
      steps: {
        setMetadata: async (...args) => {
          // The image exists now. Another attempt takes the reservation over (and would resume it).
          await pool.with(depsWith().clusters.get(CLUSTER_ID)!, secrets(), async (conn) => {
            const space = await openSpace(conn, ceph.pool, '', { journal: { self: taker } });
            const uuid = await space.journal.volumeUuid(name);
            await space.journal.claimVolume(uuid!, name);
            takenBy = (await space.journal.volume(uuid!))?.lease?.boot;
          });
          await setMetadata(...args);
          throw csiError(CSI_ERR.CEPH, 'rbd_metadata_set: errno 5 (injected)');
        },
      },
    });
    await expect(createVolume(volumeRequest(name), ctx, deps)).rejects.toMatchObject({ code: CSI_ERR.CEPH });
    expect(takenBy).toBe('boot-b');
    const uuids = await journalKeys(`vn/${name}`);
    expect(uuids).toHaveLength(1);
    const all = await images();
    const record = await pool.with(depsWith().clusters.get(CLUSTER_ID)!, secrets(), async (conn) => {
      const space = await openSpace(conn, ceph.pool, '');
      return space.journal.volume((await space.journal.volumeUuid(name))!);
    });
    expect(record?.lease?.boot).toBe('boot-b');
    expect(all).toContain(record!.image);
    expect(me.running.size).toBe(0);
  });

  it('given a lease run out before the cleanup, renews it first: a take-over during the removal is refused', async () => {
    const host = `undo-host-${randomUUID()}`;
    let now = 1_000_000;
    const clock = () => now;
    const me: Self = { host, pid: 303, boot: 'boot-c', running: new Set(), pidAlive: () => true };
    const other: Self = { host, pid: 404, boot: 'boot-d', running: new Set(), pidAlive: () => true };
    const name = unique('pvc-renewed');
    let takeOver: unknown = 'not tried';
    const deps = depsWith({
      journal: { self: me, now: clock, leaseMs: 60_000 },
      steps: {
        setMetadata: async () => {
          now += 61_000; // the attempt stalled past its lease
          throw csiError(CSI_ERR.CEPH, 'rbd_metadata_set: errno 5 (injected)');
        },
        removeImage: async (ioctx, image) => {
          // Between the cleanup's "still mine" and its removal, another attempt tries to take over.
          takeOver = await pool
            .with(depsWith().clusters.get(CLUSTER_ID)!, secrets(), async (conn) => {
              const space = await openSpace(conn, ceph.pool, '', {
                journal: { self: other, now: clock, leaseMs: 60_000 },
              });
              await space.journal.claimVolume((await space.journal.volumeUuid(name))!, name);
              return 'taken';
            })
            .catch((err: unknown) => (err as { code?: string }).code);
          await removeImage(ioctx, image);
        },
      },
    });
    await expect(createVolume(volumeRequest(name), ctx, deps)).rejects.toMatchObject({ code: CSI_ERR.CEPH });
    expect(takeOver).toBe(CSI_ERR.OPERATION_PENDING);
    expect(await journalKeys(`vn/${name}`)).toEqual([]);
    expect(me.running.size).toBe(0);
  });

  it('given a cleanup that fails, the attempt ends anyway: a same-process retry resumes at once', async () => {
    const me: Self = {
      host: `undo-host-${randomUUID()}`,
      pid: 505,
      boot: 'boot-e',
      running: new Set(),
      pidAlive: () => true,
    };
    const name = unique('pvc-cleanup-fails');
    const failing = depsWith({
      journal: { self: me },
      steps: {
        setMetadata: async () => {
          throw csiError(CSI_ERR.CEPH, 'rbd_metadata_set: errno 5 (injected)');
        },
        removeImage: async () => {
          throw csiError(CSI_ERR.CEPH, 'rbd_remove: errno 5 (injected)');
        },
      },
    });
    await expect(createVolume(volumeRequest(name), ctx, failing)).rejects.toMatchObject({
      code: CSI_ERR.CEPH,
    });
    expect(me.running.size).toBe(0);
    const retried = await createVolume(volumeRequest(name), ctx, depsWith({ journal: { self: me } }));
    expect(retried.volume?.volume_id).toBeTruthy();
    expect(await images()).toContain(retried.volume?.volume_context?.['imageName']);
  });

  it('given a removal that outlasts the lease, the holder keeps its lease alive: no take-over resumes a dying image', async () => {
    // rbd_remove of a large image without object-map deletes every object (measured locally: 64 GiB in
    // about 1 s, so 10 TiB outlasts the 2-minute lease). Here the lease is 800 ms and the removal 2 s.
    const host = `undo-host-${randomUUID()}`;
    const me: Self = { host, pid: 606, boot: 'boot-f', running: new Set(), pidAlive: () => true };
    const other: Self = { host, pid: 707, boot: 'boot-g', running: new Set(), pidAlive: () => true };
    const name = unique('pvc-slow-undo');
    let retry: unknown = 'not tried';
    const deps = depsWith({
      journal: { self: me, leaseMs: 800 },
      steps: {
        setMetadata: async () => {
          throw csiError(CSI_ERR.CEPH, 'rbd_metadata_set: errno 5 (injected)');
        },
        removeImage: async (ioctx, image) => {
          await new Promise((resolve) => setTimeout(resolve, 2_000));
          // The removal is still running: a retry on another process must not resume this image.
          retry = await createVolume(
            volumeRequest(name),
            ctx,
            depsWith({ journal: { self: other, leaseMs: 800 } }),
          )
            .then(() => 'resumed and marked ready')
            .catch((err: unknown) => (err as { code?: string }).code);
          await removeImage(ioctx, image);
        },
      },
    });
    await expect(createVolume(volumeRequest(name), ctx, deps)).rejects.toMatchObject({ code: CSI_ERR.CEPH });
    expect(retry).toBe(CSI_ERR.OPERATION_PENDING);
    expect(await journalKeys(`vn/${name}`)).toEqual([]);
    expect(me.running.size).toBe(0);
  });

  it('given a failure after the image exists and no take-over, removes the image and the reservation', async () => {
    const name = unique('pvc-undone');
    let image: string | undefined;
    const deps = depsWith({
      steps: {
        setMetadata: async (_handle, imageName) => {
          image = imageName;
          throw csiError(CSI_ERR.CEPH, 'rbd_metadata_set: errno 5 (injected)');
        },
        imageSize,
      },
    });
    await expect(createVolume(volumeRequest(name), ctx, deps)).rejects.toMatchObject({ code: CSI_ERR.CEPH });
    expect(image).toMatch(/^csi-vol-/);
    expect(await images()).not.toContain(image);
    expect(await journalKeys(`vn/${name}`)).toEqual([]);
  });
});
