// Deleting what a clone not yet flattened still needs, against the real local Ceph: its source volume
// (FAILED_PRECONDITION, the volume untouched) and the snapshot it was restored from (OK: the RBD
// snapshot waits in the trash, the clone keeps reading it). The controller runs in process with
// background flattens refused (a controller that died before flattening), so "not flattened yet" is
// certain, not a race; its volumes live in a RADOS namespace of their own.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { credentials, status, type Client } from '@grpc/grpc-js';
import { createLogger, memoryDestination } from '@corral/runtime';
import { ConnectionPool } from '../../../plugins/csi-ceph/src/effects/ceph/connection-pool.js';
import { BackgroundJobs } from '../../../plugins/csi-ceph/src/transport/background-jobs.js';
import { controllerHandlers } from '../../../plugins/csi-ceph/src/transport/controller/controller-service.js';
import { startGrpcServer } from '../../../plugins/csi-ceph/src/transport/grpc-server.js';
import { loadCsi } from '../../../plugins/csi-ceph/src/transport/load-csi.js';
import { OperationLocks } from '../../../plugins/csi-ceph/src/transport/operation-locks.js';
import { cephCli, rbdFill, rbdImages, rbdSnapshots, startCeph, type CephEnv } from '../../support/ceph.js';
import { removeRadosNamespaces, trackCreated } from './cleanup.js';
import { call, codeOf, CLUSTER_ID, deleteCreated, MOUNT_RWO } from './harness.js';

const MIB = 1024 * 1024;
const NS = `snapdeps-${Math.floor(Math.random() * 1e9)}`;
const unique = (label: string) => `pvc-${label}-${Date.now()}-${Math.floor(Math.random() * 1e6)}`;

/** Background jobs that can be refused (none starts: a controller that died before flattening). */
class RefusingJobs extends BackgroundJobs {
  refuse = true;

  override start(key: string, job: () => Promise<void>, onError: (err: unknown) => void): boolean {
    return this.refuse ? false : super.start(key, job, onError);
  }
}

let ceph: CephEnv;
let client: Client;
let jobs: RefusingJobs;
let work: string;
let stop: () => Promise<void>;

beforeAll(async () => {
  ceph = await startCeph();
  work = await mkdtemp(join(tmpdir(), 'corral-csi-snapdeps-'));
  const pool = new ConnectionPool({ timeoutSeconds: 5 });
  jobs = new RefusingJobs();
  const deps = {
    clusters: new Map([
      [CLUSTER_ID, { clusterID: CLUSTER_ID, monitors: [ceph.mon], radosNamespace: NS, pools: [ceph.pool] }],
    ]),
    pool,
    locks: new OperationLocks(),
    jobs,
  };
  const logger = createLogger({
    level: 'warn',
    name: 'csi-snapdeps',
    destination: memoryDestination().stream,
  });
  const socket = join(work, 'csi.sock');
  const grpc = await startGrpcServer(
    socket,
    { identity: {}, controller: controllerHandlers(deps) },
    { logger, slowOpMs: 60_000 },
  );
  client = new (loadCsi().csi.v1.Controller)(`unix://${socket}`, credentials.createInsecure());
  trackCreated(client);
  stop = async () => {
    client.close();
    await grpc.close(1_000);
    await jobs.drain();
    await pool.closeAll();
  };
});

afterAll(async () => {
  try {
    // What the tests made (clones first), then the namespace, so that the pool is as it was.
    if (client) await deleteCreated(client);
    if (ceph) await removeRadosNamespaces(ceph, ceph.pool, [NS]);
  } finally {
    await stop?.();
    if (work) await rm(work, { recursive: true, force: true });
  }
});

const secrets = () => ({ userID: 'csi', userKey: ceph.csiKey });
const spec = (image: string) => `${ceph.pool}/${NS}/${image}`;

function createRequest(name: string, source?: object) {
  return {
    name,
    capacity_range: { required_bytes: 8 * MIB },
    volume_capabilities: [MOUNT_RWO],
    parameters: { clusterID: CLUSTER_ID, pool: ceph.pool },
    secrets: secrets(),
    ...(source ? { volume_content_source: source } : {}),
  };
}

async function create(name: string, source?: object) {
  const volume = (await call(client, 'CreateVolume', createRequest(name, source))).volume!;
  return { id: volume.volume_id!, image: volume.volume_context!['imageName']! };
}

/** A volume holding data in every object. */
async function filled(name: string) {
  const made = await create(name);
  await rbdFill(ceph, spec(made.image), 8);
  return made;
}

async function parentOf(image: string): Promise<string | undefined> {
  const out = await cephCli(ceph, ['rbd', 'info', '--format', 'json', spec(image)]);
  if (out.code !== 0) throw new Error(out.stderr);
  return (JSON.parse(out.stdout) as { parent?: { image: string } }).parent?.image;
}

/** The SHA-256 of an image's (or `image@snap`'s) whole content, read by `rbd export`. */
async function digest(image: string): Promise<string> {
  const file = join(work, `${image.replace('@', '_')}-${Date.now()}`);
  const out = await cephCli(ceph, ['rbd', 'export', '--no-progress', spec(image), file]);
  if (out.code !== 0) throw new Error(out.stderr);
  const hash = createHash('sha256')
    .update(await readFile(file))
    .digest('hex');
  await rm(file, { force: true });
  return hash;
}

const deleteVolume = (id: string) => call(client, 'DeleteVolume', { volume_id: id, secrets: secrets() });

/** Flattens a clone: a repeat of its CreateVolume starts the job the refused one never ran. */
async function flatten(name: string, source: object, image: string): Promise<void> {
  jobs.refuse = false;
  try {
    await call(client, 'CreateVolume', createRequest(name, source));
    await vi.waitFor(async () => expect(await parentOf(image)).toBeUndefined(), { timeout: 30_000 });
  } finally {
    jobs.refuse = true;
  }
}

describe('a source volume an unflattened clone still reads', () => {
  it('given a clone of the volume, DeleteVolume is FAILED_PRECONDITION and leaves the volume whole; after the flatten it goes', async () => {
    const source = await filled(unique('src'));
    const before = await digest(source.image);
    const name = unique('clone');
    const volumeSource = { volume: { volume_id: source.id } };
    const clone = await create(name, volumeSource);
    expect(await parentOf(clone.image)).toBe(source.image);

    expect(await codeOf(deleteVolume(source.id))).toBe(status.FAILED_PRECONDITION);
    expect(await rbdImages(ceph, ceph.pool, NS)).toContain(source.image);
    expect(await digest(source.image)).toBe(before);
    expect(await digest(clone.image)).toBe(before);
    // Still a volume the driver knows: it can be cloned again.
    await create(unique('again'), volumeSource);

    await flatten(name, volumeSource, clone.image);
    expect(await codeOf(deleteVolume(source.id))).toBe(status.FAILED_PRECONDITION); // 'again' is not flat
  }, 60_000);

  it('given a restore of its snapshot, DeleteSnapshot succeeds, the restore keeps the data, and the volume stays until the restore is flat', async () => {
    const source = await filled(unique('src'));
    const before = await digest(source.image);
    const snap = (
      await call(client, 'CreateSnapshot', {
        name: unique('snap'),
        source_volume_id: source.id,
        secrets: secrets(),
      })
    ).snapshot!;
    await rbdFill(ceph, spec(source.image), 4); // the volume moves on; the snapshot keeps `before`
    const after = await digest(source.image);
    const name = unique('restore');
    const snapshotSource = { snapshot: { snapshot_id: snap.snapshot_id } };
    const restore = await create(name, snapshotSource);
    expect(await parentOf(restore.image)).toBe(source.image);

    await call(client, 'DeleteSnapshot', { snapshot_id: snap.snapshot_id, secrets: secrets() });
    const listed = await call(client, 'ListSnapshots', { snapshot_id: snap.snapshot_id, secrets: secrets() });
    expect(listed.entries).toEqual([]);
    expect(await codeOf(create(unique('late'), snapshotSource))).toBe(status.NOT_FOUND);
    expect(await rbdSnapshots(ceph, spec(source.image))).toHaveLength(1); // in the trash
    expect(await digest(restore.image)).toBe(before);

    expect(await codeOf(deleteVolume(source.id))).toBe(status.FAILED_PRECONDITION);
    expect(await digest(source.image)).toBe(after);

    await flatten(name, snapshotSource, restore.image);
    expect(await rbdSnapshots(ceph, spec(source.image))).toEqual([]);
    await deleteVolume(source.id);
    expect(await rbdImages(ceph, ceph.pool, NS)).not.toContain(source.image);
    expect(await digest(restore.image)).toBe(before);
  }, 60_000);

  it('given the unflattened clone deleted instead, the source volume is deletable at once', async () => {
    const source = await filled(unique('src'));
    const clone = await create(unique('clone'), { volume: { volume_id: source.id } });
    await deleteVolume(clone.id);
    await deleteVolume(source.id);
    const images = await rbdImages(ceph, ceph.pool, NS);
    expect(images).not.toContain(source.image);
    expect(images).not.toContain(clone.image);
  }, 60_000);
});
