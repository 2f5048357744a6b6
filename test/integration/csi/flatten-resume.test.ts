// Durable flattening against the real local Ceph. A controller that "dies" before its background
// flatten runs (its BackgroundJobs never start anything: what a process killed right after answering
// CreateVolume leaves) makes clones; a fresh controller on the same cluster must finish them on start:
// the clone loses its parent, the temporary (or trashed) parent snapshot goes away, and the source
// volume becomes deletable. Each case first checks the clone really was left unflattened.
// Everything lives in a RADOS namespace of its own: the start-up scan of controllers that other test
// files start at the same time walks only the default namespace, so it cannot finish these clones.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { credentials, status, type Client } from '@grpc/grpc-js';
import { createLogger, memoryDestination, type MemoryDestination } from '@corral/runtime';
import { loadCsiConfig } from '../../../plugins/csi-ceph/src/config.js';
import { ConnectionPool } from '../../../plugins/csi-ceph/src/effects/ceph/connection-pool.js';
import { openSpace } from '../../../plugins/csi-ceph/src/effects/volume-space.js';
import { startDriver } from '../../../plugins/csi-ceph/src/start-driver.js';
import { BackgroundJobs, imageKey } from '../../../plugins/csi-ceph/src/transport/background-jobs.js';
import { controllerHandlers } from '../../../plugins/csi-ceph/src/transport/controller/controller-service.js';
import {
  RESUME_KEY,
  resumeFlattens,
  startFlattenResume,
} from '../../../plugins/csi-ceph/src/transport/controller/flatten-resume.js';
import type { ControllerDeps } from '../../../plugins/csi-ceph/src/transport/controller/controller-deps.js';
import { startGrpcServer, type CsiGrpcServer } from '../../../plugins/csi-ceph/src/transport/grpc-server.js';
import { loadCsi } from '../../../plugins/csi-ceph/src/transport/load-csi.js';
import { OperationLocks } from '../../../plugins/csi-ceph/src/transport/operation-locks.js';
import {
  cephCli,
  rbdImages,
  rbdSnapshots,
  startCeph,
  type CephEnv,
  type CephTool,
} from '../../support/ceph.js';
import { call, codeOf, CLUSTER_ID, MOUNT_RWO } from './harness.js';

const MIB = 1024 * 1024;
const NS = `flatten-${Math.floor(Math.random() * 1e9)}`;
const unique = (label: string) => `pvc-${label}-${Date.now()}-${Math.floor(Math.random() * 1e6)}`;

/** Jobs of a process that dies before any background work runs. */
class DiesBeforeFlatten extends BackgroundJobs {
  override start(): boolean {
    return false;
  }
}

interface DyingController {
  readonly controller: Client;
  readonly secrets: Record<string, string>;
  stop(): Promise<void>;
}

let ceph: CephEnv;
let dying: DyingController;

async function startDyingController(env: CephEnv): Promise<DyingController> {
  const dir = await mkdtemp(join(tmpdir(), 'corral-csi-dying-'));
  const pool = new ConnectionPool({ timeoutSeconds: 5 });
  const deps: ControllerDeps = {
    clusters: new Map([
      [CLUSTER_ID, { clusterID: CLUSTER_ID, monitors: [env.mon], radosNamespace: NS, pools: [env.pool] }],
    ]),
    pool,
    locks: new OperationLocks(),
    jobs: new DiesBeforeFlatten(),
  };
  const socket = join(dir, 'csi.sock');
  const logger = createLogger({ level: 'warn', name: 'csi-dying', destination: memoryDestination().stream });
  const grpc: CsiGrpcServer = await startGrpcServer(
    socket,
    { identity: {}, controller: controllerHandlers(deps) },
    { logger, slowOpMs: 10_000 },
  );
  const controller = new (loadCsi().csi.v1.Controller)(`unix://${socket}`, credentials.createInsecure());
  return {
    controller,
    secrets: { userID: 'csi', userKey: env.csiKey },
    stop: async () => {
      controller.close();
      await grpc.close(1_000);
      await pool.closeAll();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

interface FreshController {
  readonly controller: Client;
  readonly logs: MemoryDestination;
  stop(): Promise<void>;
}

/** The real driver (startDriver), as a restarted controller pod runs it, on this test's namespace. */
async function startFresh(env: CephEnv, options: { keyring: boolean }): Promise<FreshController> {
  const dir = await mkdtemp(join(tmpdir(), 'corral-csi-fresh-'));
  const clusterConfig = join(dir, 'config.json');
  await writeFile(
    clusterConfig,
    JSON.stringify([
      { clusterID: CLUSTER_ID, monitors: [env.mon], rbd: { radosNamespace: NS, pools: [env.pool] } },
    ]),
  );
  const socket = join(dir, 'csi.sock');
  const argv = ['--role', 'controller', '--endpoint', `unix://${socket}`, '--cluster-config', clusterConfig];
  const config = loadCsiConfig(
    [
      ...argv,
      '--listen',
      '127.0.0.1:0',
      '--ceph-timeout',
      '5',
      ...(options.keyring ? ['--keyring', env.csiKeyring] : []),
    ],
    {},
  );
  const logs = memoryDestination();
  const logger = createLogger({ level: 'debug', name: 'csi-fresh', destination: logs.stream });
  const driver = await startDriver({ config, logger, withoutOps: true });
  const controller = new (loadCsi().csi.v1.Controller)(`unix://${socket}`, credentials.createInsecure());
  return {
    controller,
    logs,
    stop: async () => {
      controller.close();
      await driver.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

beforeAll(async () => {
  ceph = await startCeph();
  dying = await startDyingController(ceph);
});

afterAll(async () => {
  await dying?.stop();
});

function create(client: Client, name: string, bytes: number, source?: object) {
  return call(client, 'CreateVolume', {
    name,
    capacity_range: { required_bytes: bytes },
    volume_capabilities: [MOUNT_RWO],
    parameters: { clusterID: CLUSTER_ID, pool: ceph.pool },
    secrets: dying.secrets,
    ...(source ? { volume_content_source: source } : {}),
  });
}

const deleteVolume = (client: Client, id: string) =>
  call(client, 'DeleteVolume', { volume_id: id, secrets: dying.secrets });

async function parentOf(image: string): Promise<string | undefined> {
  const info = await cephCli(ceph, ['rbd', 'info', '--format', 'json', `${ceph.pool}/${NS}/${image}`]);
  if (info.code !== 0) throw new Error(`rbd info ${image}: ${info.stderr}`);
  return (JSON.parse(info.stdout) as { parent?: { image: string } }).parent?.image;
}

/** Every snapshot of `image`, the trash namespace included. */
const snapshotsOf = (image: string) => rbdSnapshots(ceph, `${ceph.pool}/${NS}/${image}`);

const images = () => rbdImages(ceph, ceph.pool, NS);

const waitFlat = (image: string) =>
  vi.waitFor(async () => expect(await parentOf(image)).toBeUndefined(), { timeout: 15_000, interval: 250 });

/** A source volume and a clone of it made by the dying controller: left with its parent. */
async function unflattenedCloneOfVolume() {
  const source = (await create(dying.controller, unique('src'), 8 * MIB)).volume!;
  const sourceImage = source.volume_context!['imageName']!;
  const clone = (
    await create(dying.controller, unique('clone'), 16 * MIB, { volume: { volume_id: source.volume_id } })
  ).volume!;
  const cloneImage = clone.volume_context!['imageName']!;
  return { source, sourceImage, clone, cloneImage };
}

/**
 * A controller's dependencies with its own credentials (what the resume scan runs with), on the test
 * cluster's pool and namespace; background failures are collected by what failed.
 */
function scanningController() {
  const pool = new ConnectionPool({ timeoutSeconds: 5 });
  const errors: string[] = [];
  const deps: ControllerDeps = {
    clusters: new Map([
      [CLUSTER_ID, { clusterID: CLUSTER_ID, monitors: [ceph.mon], radosNamespace: NS, pools: [ceph.pool] }],
    ]),
    pool,
    locks: new OperationLocks(),
    jobs: new BackgroundJobs(),
    controllerCredentials: { userID: 'csi', userKey: ceph.csiKey },
    onBackgroundError: (_err, what) => errors.push(what),
  };
  return { deps, pool, errors };
}

describe('a clone whose controller died before flattening it', () => {
  it('given a volume source, a fresh controller flattens the clone on start and the source becomes deletable', async () => {
    const { source, sourceImage, cloneImage } = await unflattenedCloneOfVolume();
    // Left as a dead controller leaves it: parent kept, the trashed temporary snapshot pins the source.
    expect(await parentOf(cloneImage)).toBe(sourceImage);
    expect(await snapshotsOf(sourceImage)).toHaveLength(1);
    expect(await codeOf(deleteVolume(dying.controller, source.volume_id!))).toBe(status.FAILED_PRECONDITION);

    const fresh = await startFresh(ceph, { keyring: true });
    try {
      await waitFlat(cloneImage);
      await vi.waitFor(async () => expect(await snapshotsOf(sourceImage)).toEqual([]), { timeout: 10_000 });
      await deleteVolume(fresh.controller, source.volume_id!);
      expect(await images()).not.toContain(sourceImage);
      expect(await images()).toContain(cloneImage);
      // The scan did it (not some other path), and says so once.
      await vi.waitFor(() => {
        const done = fresh.logs.lines.filter((l) => l['msg'] === 'flatten resume scan done');
        expect(done).toHaveLength(1);
        expect(done[0]?.['flattened']).toBeGreaterThanOrEqual(1);
      });
    } finally {
      await fresh.stop();
    }
  });

  it('given a snapshot source whose snapshot was deleted meanwhile, the fresh controller lets the snapshot and the source go', async () => {
    const source = (await create(dying.controller, unique('snapsrc'), 8 * MIB)).volume!;
    const sourceImage = source.volume_context!['imageName']!;
    const snap = (
      await call(dying.controller, 'CreateSnapshot', {
        name: unique('snap'),
        source_volume_id: source.volume_id,
        secrets: dying.secrets,
      })
    ).snapshot!;
    const clone = (
      await create(dying.controller, unique('fromsnap'), 8 * MIB, {
        snapshot: { snapshot_id: snap.snapshot_id },
      })
    ).volume!;
    const cloneImage = clone.volume_context!['imageName']!;
    await call(dying.controller, 'DeleteSnapshot', { snapshot_id: snap.snapshot_id, secrets: dying.secrets });
    // The deleted snapshot lingers in the trash while the clone keeps it as its parent.
    expect(await parentOf(cloneImage)).toBe(sourceImage);
    expect(await snapshotsOf(sourceImage)).toHaveLength(1);
    expect(await codeOf(deleteVolume(dying.controller, source.volume_id!))).toBe(status.FAILED_PRECONDITION);

    const fresh = await startFresh(ceph, { keyring: true });
    try {
      await waitFlat(cloneImage);
      await vi.waitFor(async () => expect(await snapshotsOf(sourceImage)).toEqual([]), { timeout: 10_000 });
      await deleteVolume(fresh.controller, source.volume_id!);
      expect(await images()).not.toContain(sourceImage);
    } finally {
      await fresh.stop();
    }
  });

  it('given the temporary snapshot still in place (clone made by hand, journal marks it), the fresh controller flattens and removes it', async () => {
    const source = (await create(dying.controller, unique('handsrc'), 8 * MIB)).volume!;
    const sourceImage = source.volume_context!['imageName']!;
    const uuid = randomUUID();
    const cloneImage = `csi-vol-${uuid}`;
    const tempSnap = `csi-clone-${uuid}`;
    const admin = (args: [CephTool, ...string[]]) =>
      cephCli(ceph, args).then((r) => {
        if (r.code !== 0) throw new Error(`${args.join(' ')}: ${r.stderr}`);
      });
    await admin(['rbd', 'snap', 'create', '--no-progress', `${ceph.pool}/${NS}/${sourceImage}@${tempSnap}`]);
    await admin([
      'rbd',
      'clone',
      '--rbd-default-clone-format',
      '2',
      '--image-feature',
      'layering',
      `${ceph.pool}/${NS}/${sourceImage}@${tempSnap}`,
      `${ceph.pool}/${NS}/${cloneImage}`,
    ]);
    // The journal record of a ready clone of that source: the durable "flatten me" mark.
    const pool = new ConnectionPool({ timeoutSeconds: 5 });
    try {
      await pool.with(
        { clusterID: CLUSTER_ID, monitors: [ceph.mon] },
        { userID: 'csi', userKey: ceph.csiKey },
        async (conn) => {
          const space = await openSpace(conn, ceph.pool, NS);
          const sourceRecord = await space.journal.volume(source.volume_id!.split('.').pop()!);
          await space.journal.putVolume(uuid, {
            name: unique('hand'),
            image: cloneImage,
            bytes: String(8 * MIB),
            fingerprint: sourceRecord!.fingerprint,
            state: 'ready',
            source: `volume:${source.volume_id}`,
          });
        },
      );
    } finally {
      await pool.closeAll();
    }
    expect(await snapshotsOf(sourceImage)).toEqual([tempSnap]);
    expect(await parentOf(cloneImage)).toBe(sourceImage);

    const fresh = await startFresh(ceph, { keyring: true });
    try {
      await waitFlat(cloneImage);
      await vi.waitFor(async () => expect(await snapshotsOf(sourceImage)).toEqual([]), { timeout: 10_000 });
      await deleteVolume(fresh.controller, source.volume_id!);
      expect(await images()).not.toContain(sourceImage);
    } finally {
      await fresh.stop();
    }
  });

  it('given a controller without --keyring (no scan), a repeated CreateVolume of the clone finishes it', async () => {
    const source = (await create(dying.controller, unique('lazysrc'), 8 * MIB)).volume!;
    const sourceImage = source.volume_context!['imageName']!;
    const name = unique('lazy');
    const request = { volume: { volume_id: source.volume_id } };
    const clone = (await create(dying.controller, name, 8 * MIB, request)).volume!;
    const cloneImage = clone.volume_context!['imageName']!;
    const fresh = await startFresh(ceph, { keyring: false });
    try {
      expect(fresh.logs.text()).toContain('no --keyring');
      // No scan ran: the clone still has its parent a while after start.
      await new Promise((r) => setTimeout(r, 1_000));
      expect(await parentOf(cloneImage)).toBe(sourceImage);
      const again = (await create(fresh.controller, name, 8 * MIB, request)).volume!;
      expect(again.volume_id).toBe(clone.volume_id);
      await waitFlat(cloneImage);
      await vi.waitFor(() => deleteVolume(fresh.controller, source.volume_id!), { timeout: 10_000 });
      expect(await images()).not.toContain(sourceImage);
    } finally {
      await fresh.stop();
    }
  });

  it('given a first scan that fails (Ceph unreachable at start), the scan is retried after the backoff and finishes the clone', async () => {
    const { source, sourceImage, cloneImage } = await unflattenedCloneOfVolume();
    expect(await parentOf(cloneImage)).toBe(sourceImage);
    const { deps, pool, errors } = scanningController();
    const logs = memoryDestination();
    let scans = 0;
    // The seam: the first scan fails as an unreachable Ceph makes it fail; later ones are the real scan.
    const scan: typeof resumeFlattens = (d, creds) => {
      scans++;
      if (scans === 1) return Promise.reject(new Error('rados_connect: errno 110'));
      return resumeFlattens(d, creds);
    };
    const log = createLogger({ level: 'debug', name: 'csi-retry', destination: logs.stream });
    try {
      expect(startFlattenResume(deps, log, { scan, backoff: { firstMs: 300, maxMs: 1_000 } })).toBe(true);
      await deps.jobs.settle(RESUME_KEY);
      expect(scans).toBe(2);
      expect(errors).toEqual(['flatten resume scan']);
      expect(await parentOf(cloneImage)).toBeUndefined();
      await vi.waitFor(async () => expect(await snapshotsOf(sourceImage)).toEqual([]), { timeout: 10_000 });
      await deleteVolume(dying.controller, source.volume_id!);
      expect(await images()).not.toContain(sourceImage);
      const done = logs.lines.filter((l) => l['msg'] === 'flatten resume scan done');
      expect(done).toHaveLength(1);
      expect(done[0]?.['flattened']).toBeGreaterThanOrEqual(1);
    } finally {
      await deps.jobs.drain();
      await pool.closeAll();
    }
  });

  it('given a flatten job of another call running for the clone that fails, the scan looks again with its own job and flattens it', async () => {
    const { source, sourceImage, cloneImage } = await unflattenedCloneOfVolume();
    const { deps, pool, errors } = scanningController();
    try {
      // As a CreateSnapshot's flatten of the clone that fails (told to that call only) while the scan runs.
      const other = deps.jobs.start(
        imageKey(ceph.pool, NS, cloneImage),
        async () => {
          await new Promise((resolve) => setTimeout(resolve, 300));
          throw new Error('flatten: EIO');
        },
        () => errors.push('the other call'),
      );
      expect(other).toBe(true);
      const report = await resumeFlattens(deps, { userID: 'csi', userKey: ceph.csiKey });
      expect(errors).toEqual(['the other call']);
      expect(report).toMatchObject({ flattened: 1, failed: 0 });
      expect(await parentOf(cloneImage)).toBeUndefined();
      await vi.waitFor(async () => expect(await snapshotsOf(sourceImage)).toEqual([]), { timeout: 10_000 });
      await deleteVolume(dying.controller, source.volume_id!);
      expect(await images()).not.toContain(sourceImage);
    } finally {
      await deps.jobs.drain();
      await pool.closeAll();
    }
  });

  it('given a scan failing on every try, a shutdown stops the retries at once', async () => {
    const pool = new ConnectionPool({ timeoutSeconds: 5 });
    const deps: ControllerDeps = {
      clusters: new Map(),
      pool,
      locks: new OperationLocks(),
      jobs: new BackgroundJobs(),
      controllerCredentials: { userID: 'csi', userKey: ceph.csiKey },
    };
    let scans = 0;
    const scan = () => {
      scans++;
      return Promise.reject(new Error('down'));
    };
    const log = createLogger({ level: 'warn', name: 'csi-retry', destination: memoryDestination().stream });
    startFlattenResume(deps, log, { scan, backoff: { firstMs: 60_000, maxMs: 300_000 } });
    await vi.waitFor(() => expect(scans).toBe(1));
    const started = Date.now();
    await deps.jobs.drain();
    expect(Date.now() - started).toBeLessThan(1_000);
    await new Promise((r) => setTimeout(r, 200));
    expect(scans).toBe(1);
    await pool.closeAll();
  });
});
