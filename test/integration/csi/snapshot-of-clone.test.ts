// CreateSnapshot of a clone whose background flatten has not finished, against the real local Ceph.
// Without deep-flatten, an RBD snapshot cut while the clone still has a parent keeps that parent after
// the flatten, and with it the source volume (DeleteVolume: FAILED_PRECONDITION). So the driver
// finishes the flatten first: it joins the clone's running flatten job or starts one, and answers
// ABORTED (retried by the csi-snapshotter) when the caller's deadline comes first, leaving no RBD
// snapshot. With deep-flatten the snapshot is cut at once. The controller runs in process with
// background jobs the test holds back ("gated"), so that "not flattened yet" is certain, not a race;
// its volumes live in a RADOS namespace of their own, out of reach of other files' resume scans.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { credentials, Metadata, status, type Client, type ServiceError } from '@grpc/grpc-js';
import { createLogger, memoryDestination } from '@corral/runtime';
import { DEADLINE_MARGIN_MS } from '../../../plugins/csi-ceph/src/decide/snapshot-flatten.js';
import { ConnectionPool } from '../../../plugins/csi-ceph/src/effects/ceph/connection-pool.js';
import { BackgroundJobs } from '../../../plugins/csi-ceph/src/transport/background-jobs.js';
import { controllerHandlers } from '../../../plugins/csi-ceph/src/transport/controller/controller-service.js';
import type { ControllerDeps } from '../../../plugins/csi-ceph/src/transport/controller/controller-deps.js';
import { createSnapshot } from '../../../plugins/csi-ceph/src/transport/controller/snapshots.js';
import { startGrpcServer } from '../../../plugins/csi-ceph/src/transport/grpc-server.js';
import { loadCsi } from '../../../plugins/csi-ceph/src/transport/load-csi.js';
import { OperationLocks } from '../../../plugins/csi-ceph/src/transport/operation-locks.js';
import { cephCli, rbdFill, startCeph, type CephEnv } from '../../support/ceph.js';
import { call, codeOf, CLUSTER_ID, MOUNT_RWO, startHarness } from './harness.js';

const MIB = 1024 * 1024;
const NS = `snapclone-${Math.floor(Math.random() * 1e9)}`;
const unique = (label: string) => `pvc-${label}-${Date.now()}-${Math.floor(Math.random() * 1e6)}`;

/** Background jobs that start (and count as running) but do nothing until `open()`; or refuse them. */
class GatedJobs extends BackgroundJobs {
  refuse = false;
  private opened!: () => void;
  private readonly gate = new Promise<void>((resolve) => (this.opened = resolve));

  open(): void {
    this.opened();
  }

  override start(key: string, job: () => Promise<void>, onError: (err: unknown) => void): boolean {
    if (this.refuse) return false;
    return super.start(
      key,
      async () => {
        await this.gate;
        await job();
      },
      onError,
    );
  }
}

interface Controller {
  readonly client: Client;
  readonly jobs: GatedJobs;
  readonly deps: ControllerDeps;
  stop(): Promise<void>;
}

let ceph: CephEnv;
const stops: (() => Promise<void>)[] = [];

async function startController(): Promise<Controller> {
  const dir = await mkdtemp(join(tmpdir(), 'corral-csi-snapclone-'));
  const pool = new ConnectionPool({ timeoutSeconds: 5 });
  const jobs = new GatedJobs();
  const deps: ControllerDeps = {
    clusters: new Map([
      [CLUSTER_ID, { clusterID: CLUSTER_ID, monitors: [ceph.mon], radosNamespace: NS, pools: [ceph.pool] }],
    ]),
    pool,
    locks: new OperationLocks(),
    jobs,
  };
  const socket = join(dir, 'csi.sock');
  const logger = createLogger({
    level: 'warn',
    name: 'csi-snapclone',
    destination: memoryDestination().stream,
  });
  const grpc = await startGrpcServer(
    socket,
    { identity: {}, controller: controllerHandlers(deps) },
    { logger, slowOpMs: 60_000 },
  );
  const client = new (loadCsi().csi.v1.Controller)(`unix://${socket}`, credentials.createInsecure());
  const stop = async () => {
    jobs.open();
    client.close();
    await grpc.close(1_000);
    await jobs.drain();
    await pool.closeAll();
    await rm(dir, { recursive: true, force: true });
  };
  stops.push(stop);
  return { client, jobs, deps, stop };
}

beforeAll(async () => {
  ceph = await startCeph();
});

afterAll(async () => {
  for (const stop of stops) await stop();
});

const secrets = () => ({ userID: 'csi', userKey: ceph.csiKey });

async function create(client: Client, name: string, source?: object, features = 'layering') {
  const res = await call(client, 'CreateVolume', {
    name,
    capacity_range: { required_bytes: 8 * MIB },
    volume_capabilities: [MOUNT_RWO],
    parameters: { clusterID: CLUSTER_ID, pool: ceph.pool, imageFeatures: features },
    secrets: secrets(),
    ...(source ? { volume_content_source: source } : {}),
  });
  return { id: res.volume!.volume_id!, image: res.volume!.volume_context!['imageName']! };
}

/** CreateSnapshot with a deadline `ms` from now. */
function snapshotWithin(client: Client, name: string, source: string, ms: number) {
  const method = (client as unknown as Record<string, (...a: unknown[]) => unknown>)['CreateSnapshot']!;
  return new Promise<unknown>((resolve, reject) => {
    method.call(
      client,
      { name, source_volume_id: source, secrets: secrets() },
      new Metadata(),
      { deadline: Date.now() + ms },
      (err: ServiceError | null, value: unknown) => (err ? reject(err) : resolve(value)),
    );
  });
}

const snapshot = async (client: Client, name: string, source: string) =>
  (await call(client, 'CreateSnapshot', { name, source_volume_id: source, secrets: secrets() })).snapshot!;

async function rbdJson<T>(args: string[]): Promise<T> {
  const out = await cephCli(ceph, ['rbd', ...args, '--format', 'json']);
  if (out.code !== 0) throw new Error(`rbd ${args.join(' ')}: ${out.stderr}`);
  return JSON.parse(out.stdout) as T;
}

/** The parent image of `image` (or of its snapshot `image@snap`), undefined when it has none. */
const parentOf = async (spec: string) =>
  (await rbdJson<{ parent?: { image: string } }>(['info', `${ceph.pool}/${NS}/${spec}`])).parent?.image;

const snapsOf = async (image: string) =>
  (await rbdJson<{ name: string }[]>(['snap', 'ls', '--all', `${ceph.pool}/${NS}/${image}`])).map(
    (s) => s.name,
  );

const deleteVolume = (client: Client, id: string) =>
  call(client, 'DeleteVolume', { volume_id: id, secrets: secrets() });

describe('CreateSnapshot of a clone not yet flattened (layering only)', () => {
  it('given the caller’s deadline first, answers ABORTED and leaves no snapshot; the retry joins the flatten', async () => {
    const c = await startController();
    const source = await create(c.client, unique('src'));
    const clone = await create(c.client, unique('clone'), { volume: { volume_id: source.id } });
    expect(await parentOf(clone.image)).toBe(source.image); // its flatten job is held back

    const name = unique('snap');
    // A deadline far enough for the driver's whole margin (a tenth of the time left, at most
    // DEADLINE_MARGIN_MS), as the csi-snapshotter's minute gives it: with a short one the margin is a
    // few tens of ms, and a busy machine's latency (the request's, the answer's) makes it
    // DEADLINE_EXCEEDED instead of the driver's ABORTED.
    const early = snapshotWithin(c.client, name, clone.id, 12 * DEADLINE_MARGIN_MS);
    await expect(early).rejects.toMatchObject({
      code: status.ABORTED,
      details: expect.stringContaining('CSI_ERR_CLONE_FLATTENING'),
    });
    expect(await snapsOf(clone.image)).toEqual([]);
    expect(await parentOf(clone.image)).toBe(source.image);

    c.jobs.open(); // the flatten runs now; the retry waits for it, then cuts the snapshot
    const snap = await snapshot(c.client, name, clone.id);
    expect(snap.ready_to_use).toBe(true);
    const [cut] = await snapsOf(clone.image);
    expect(cut).toBeDefined();
    expect(await parentOf(clone.image)).toBeUndefined();
    expect(await parentOf(`${clone.image}@${cut}`)).toBeUndefined();
    await deleteVolume(c.client, source.id);
  }, 60_000);

  it('given no flatten running, starts it, waits, and the source volume is deletable after', async () => {
    const c = await startController();
    c.jobs.open();
    c.jobs.refuse = true; // CreateVolume's own flatten never starts (a controller that died)
    const source = await create(c.client, unique('src'));
    const clone = await create(c.client, unique('clone'), { volume: { volume_id: source.id } });
    expect(await parentOf(clone.image)).toBe(source.image);
    c.jobs.refuse = false;

    const snap = await snapshot(c.client, unique('snap'), clone.id);
    const [cut] = await snapsOf(clone.image);
    expect(cut).toBeDefined();
    expect(await parentOf(`${clone.image}@${cut}`)).toBeUndefined();
    await deleteVolume(c.client, source.id); // OK: nothing keeps it
    await call(c.client, 'DeleteSnapshot', { snapshot_id: snap.snapshot_id, secrets: secrets() });
  }, 60_000);

  it('given the driver stopping, answers UNAVAILABLE and cuts nothing', async () => {
    const c = await startController();
    c.jobs.open();
    c.jobs.refuse = true;
    const source = await create(c.client, unique('src'));
    const clone = await create(c.client, unique('clone'), { volume: { volume_id: source.id } });
    const draining = new BackgroundJobs();
    await draining.drain();
    const request = { name: unique('snap'), source_volume_id: clone.id, secrets: secrets(), parameters: {} };
    const stopped = createSnapshot(request as unknown as Parameters<typeof createSnapshot>[0], {
      ...c.deps,
      jobs: draining,
    });
    await expect(stopped).rejects.toMatchObject({ code: 'CSI_ERR_FLATTEN_STOPPED' });
    expect(await snapsOf(clone.image)).toEqual([]);
  }, 60_000);
});

describe('CreateSnapshot of a clone with deep-flatten', () => {
  it('given a clone not yet flattened, cuts the snapshot at once; the flatten frees the source anyway', async () => {
    const c = await startController();
    const features = 'layering,deep-flatten';
    const source = await create(c.client, unique('src'), undefined, features);
    const clone = await create(c.client, unique('clone'), { volume: { volume_id: source.id } }, features);
    await snapshot(c.client, unique('snap'), clone.id); // answers although the flatten is held back
    expect(await parentOf(clone.image)).toBe(source.image);
    expect(await snapsOf(clone.image)).toHaveLength(1);
    c.jobs.open();
    await vi.waitFor(async () => expect(await parentOf(clone.image)).toBeUndefined(), { timeout: 30_000 });
    await vi.waitFor(async () => expect(await codeOf(deleteVolume(c.client, source.id))).toBe(status.OK), {
      timeout: 10_000,
    });
  }, 60_000);
});

describe('the real driver', () => {
  it('given a clone of a snapshot snapshotted at once, the source and its snapshot are deletable after', async () => {
    const h = await startHarness({ ceph });
    stops.push(() => h.stop());
    const mk = (name: string, source?: object) =>
      call(h.controller, 'CreateVolume', {
        name,
        capacity_range: { required_bytes: 64 * MIB },
        volume_capabilities: [MOUNT_RWO],
        parameters: { clusterID: CLUSTER_ID, pool: ceph.pool },
        secrets: h.secrets,
        ...(source ? { volume_content_source: source } : {}),
      });
    const source = (await mk(unique('src'))).volume!;
    const sourceImage = source.volume_context!['imageName']!;
    // Data in every object: the clone's flatten copies 64 MiB, so it is still running below.
    await rbdFill(ceph, `${ceph.pool}/${sourceImage}`, 64);
    const sourceSnap = (await snapshot(h.controller, unique('ssnap'), source.volume_id!)).snapshot_id!;
    const clone = (await mk(unique('clone'), { snapshot: { snapshot_id: sourceSnap } })).volume!;
    const cloneImage = clone.volume_context!['imageName']!;
    const cloneSnap = await snapshot(h.controller, unique('csnap'), clone.volume_id!);
    expect(cloneSnap.ready_to_use).toBe(true);

    await call(h.controller, 'DeleteSnapshot', { snapshot_id: sourceSnap, secrets: h.secrets });
    await vi.waitFor(
      async () => expect(await codeOf(deleteVolume(h.controller, source.volume_id!))).toBe(0),
      {
        timeout: 15_000,
        interval: 500,
      },
    );
    const info = await cephCli(ceph, ['rbd', 'info', '--format', 'json', `${ceph.pool}/${cloneImage}`]);
    expect((JSON.parse(info.stdout) as { parent?: unknown }).parent).toBeUndefined();
    const snaps = await cephCli(ceph, [
      'rbd',
      'snap',
      'ls',
      '--format',
      'json',
      `${ceph.pool}/${cloneImage}`,
    ]);
    const [cut] = JSON.parse(snaps.stdout) as { name: string }[];
    const atSnap = await cephCli(ceph, [
      'rbd',
      'info',
      '--format',
      'json',
      `${ceph.pool}/${cloneImage}@${cut!.name}`,
    ]);
    // Before the fix, the snapshot could even outlive its parent: "failed to open parent image" here.
    expect(atSnap.code, atSnap.stderr).toBe(0);
    expect((JSON.parse(atSnap.stdout) as { parent?: unknown }).parent).toBeUndefined();
  }, 90_000);
});
