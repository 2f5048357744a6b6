// A clone's background flatten that fails because its pool is full (at its quota) is tried again by
// the running driver, with backoff, and finishes once room is made: no restart, no other call.
// Before, it waited until --ceph-timeout, failed, and the clone kept its parent (and its source
// stayed undeletable) until the next start's scan, a repeated CreateVolume or a CreateSnapshot.
// A DeleteVolume of such a clone removes it and ends its retries.
//
// Against the real local Ceph, on a pool of its own with a cephx user of its own. The clones' parent
// holds 16 MiB of data, so their flattens must copy objects. To get the pool full between the clone's
// creation (refused on a full pool) and its flatten, the first flattens wait on a gate until the
// quota is set.
import { status } from '@grpc/grpc-js';
import type * as RbdImages from '../../../plugins/csi-ceph/src/effects/ceph/rbd-images.js';
import { imageKey } from '../../../plugins/csi-ceph/src/transport/background-jobs.js';
import { cephCli, rbdFill, rbdImages, type CephTool } from '../../support/ceph.js';
import { call, codeOf, CLUSTER_ID, MOUNT_RWO, startHarness, unique, type Harness } from './harness.js';

/** While `held` is set, every flatten waits for it before it looks at the image. */
const gate = vi.hoisted(() => ({ held: undefined as Promise<void> | undefined }));
vi.mock('../../../plugins/csi-ceph/src/effects/ceph/rbd-images.js', async (importOriginal) => {
  const real = await importOriginal<typeof RbdImages>();
  return {
    ...real,
    flattenIfChild: async (...args: Parameters<typeof real.flattenIfChild>) => {
      await gate.held;
      return real.flattenIfChild(...args);
    },
  };
});

const MIB = 1024 * 1024;
const POOL = `corral-flat-${Math.floor(Math.random() * 1e9)}`;
const USER = `corral-flat-${Math.floor(Math.random() * 1e9)}`;
/** The driver's --ceph-timeout: what a flatten on a full pool used to wait before it failed for good. */
const CEPH_TIMEOUT_SECONDS = 5;
const RETRYING = 'flatten failed: retrying later';

let h: Harness;
let secrets: { userID: string; userKey: string };
let source: { id: string; image: string };
let kept: { id: string; image: string };
let doomed: { id: string; image: string };

async function admin(args: readonly [CephTool, ...string[]]): Promise<string> {
  const out = await cephCli(h.ceph, args);
  if (out.code !== 0) throw new Error(`${args.join(' ')}: ${out.stderr}`);
  return out.stdout;
}

async function fullQuota(): Promise<boolean> {
  const pools = JSON.parse(await admin(['ceph', 'osd', 'pool', 'ls', 'detail', '--format', 'json'])) as {
    pool_name: string;
    flags_names: string;
  }[];
  return (
    pools
      .find((p) => p.pool_name === POOL)
      ?.flags_names.split(',')
      .includes('full_quota') ?? false
  );
}

const setQuota = async (bytes: number, full: boolean) => {
  await admin(['ceph', 'osd', 'pool', 'set-quota', POOL, 'max_bytes', String(bytes)]);
  // The mons mark (or clear) the pool full once its usage reaches them: a few seconds.
  await vi.waitFor(async () => expect(await fullQuota()).toBe(full), { timeout: 60_000, interval: 500 });
};

const parentOf = async (image: string) =>
  (
    JSON.parse(await admin(['rbd', 'info', '--format', 'json', `${POOL}/${image}`])) as {
      parent?: { image: string };
    }
  ).parent?.image;

async function create(name: string, from?: string) {
  const made = await call(h.controller, 'CreateVolume', {
    name,
    capacity_range: { required_bytes: 16 * MIB },
    volume_capabilities: [MOUNT_RWO],
    parameters: { clusterID: CLUSTER_ID, pool: POOL },
    secrets,
    ...(from ? { volume_content_source: { volume: { volume_id: from } } } : {}),
  });
  return { id: made.volume!.volume_id!, image: made.volume!.volume_context!['imageName']! };
}

const remove = (id: string) => call(h.controller, 'DeleteVolume', { volume_id: id, secrets });

/** The driver's log lines about `image`'s flatten retries (their `image` is the job key). */
const linesOf = (image: string, msg?: string) =>
  h.logs.lines.filter(
    (l) => l['image'] === imageKey(POOL, '', image) && (msg === undefined || l['msg'] === msg),
  );

async function journalKeys(): Promise<string[]> {
  const out = await cephCli(h.ceph, ['rados', '-p', POOL, 'listomapkeys', 'csi.corral.journal']);
  if (out.code !== 0) throw new Error(out.stderr);
  return out.stdout.split('\n').filter((key) => key !== '');
}

beforeAll(async () => {
  // No --keyring: no resume scan, so only the running driver's own retries can finish the clones.
  h = await startHarness({ cephTimeoutSeconds: CEPH_TIMEOUT_SECONDS, keyring: false });
  await admin(['ceph', 'osd', 'pool', 'create', POOL, '1', '1']);
  await admin(['ceph', 'osd', 'pool', 'application', 'enable', POOL, 'rbd']);
  await admin(['rbd', 'pool', 'init', POOL]);
  const caps = ['mon', 'profile rbd', 'osd', `profile rbd pool=${POOL}`];
  await admin(['ceph', 'auth', 'get-or-create', `client.${USER}`, ...caps]);
  secrets = { userID: USER, userKey: (await admin(['ceph', 'auth', 'print-key', `client.${USER}`])).trim() };
  source = await create(unique('flat-src'));
  await rbdFill(h.ceph, `${POOL}/${source.image}`, 16);
  // The clones' flattens wait at the gate until the pool is past its quota.
  let open!: () => void;
  gate.held = new Promise<void>((resolve) => (open = resolve));
  try {
    kept = await create(unique('flat-kept'), source.id);
    doomed = await create(unique('flat-doomed'), source.id);
    // 16 MiB of data (the source's), then a 4 MiB quota: the pool is past it.
    await setQuota(4 * MIB, true);
  } finally {
    gate.held = undefined;
    open();
  }
}, 240_000);

afterAll(async () => {
  if (h) {
    await cephCli(h.ceph, ['ceph', 'osd', 'pool', 'rm', POOL, POOL, '--yes-i-really-really-mean-it']);
    await cephCli(h.ceph, ['ceph', 'auth', 'rm', `client.${USER}`]);
  }
  await h?.stop();
});

describe('a clone flattened on a pool at its quota', { timeout: 180_000 }, () => {
  it('given the pool full, refuses the flatten at once (pool flags) and tries it again, keeping the parent', async () => {
    await vi.waitFor(() => expect(linesOf(kept.image, RETRYING).length).toBeGreaterThanOrEqual(2), {
      timeout: 30_000,
      interval: 200,
    });
    const [first, second] = linesOf(kept.image, RETRYING);
    expect(first).toMatchObject({ level: 'warn', attempt: 1, reason: 'pool-full' });
    expect(second).toMatchObject({ level: 'info', attempt: 2, reason: 'pool-full' });
    expect(second!['delayMs']).toBeGreaterThan(first!['delayMs'] as number);
    expect(JSON.stringify(first!['err'])).toContain(
      `pool \\"${POOL}\\" is at its quota (max_bytes ${4 * MIB})`,
    );
    // Refused from the OSD map's flags, not after --ceph-timeout (errno 110).
    expect(JSON.stringify(h.logs.lines)).not.toContain('errno 110');
    expect(JSON.stringify(h.logs.lines)).not.toContain(secrets.userKey);
    expect(await parentOf(kept.image)).toBe(source.image);
  });

  it('given DeleteVolume of a clone whose flatten waits for a retry, removes it and its retries stop', async () => {
    await vi.waitFor(() => expect(linesOf(doomed.image, RETRYING).length).toBeGreaterThanOrEqual(1), {
      timeout: 30_000,
      interval: 200,
    });
    const uuid = doomed.id.split('.').pop()!;
    expect(await codeOf(remove(doomed.id))).toBe(status.OK);
    expect(await rbdImages(h.ceph, POOL)).not.toContain(doomed.image);
    expect(await journalKeys()).not.toContain(`vu/${uuid}`);
    // Once, or twice when an attempt was running then (cancelled before and after it ended).
    const cancelled = linesOf(doomed.image, 'flatten retry cancelled: volume deleted');
    expect(cancelled.length).toBeGreaterThanOrEqual(1);
    // Wait longer than the retry would have waited: nothing more happens to that image.
    const after = h.logs.lines.indexOf(cancelled.at(-1)!);
    const lastDelay = Math.max(...linesOf(doomed.image, RETRYING).map((l) => l['delayMs'] as number));
    await new Promise((resolve) => setTimeout(resolve, Math.min(lastDelay, 20_000) + 3_000));
    expect(linesOf(doomed.image).filter((l) => h.logs.lines.indexOf(l) > after)).toEqual([]);
    // The other clone is still retried meanwhile.
    expect(linesOf(kept.image, RETRYING).length).toBeGreaterThanOrEqual(3);
  });

  it('given the quota raised, the running driver finishes the clone (no parent) within the backoff cap', async () => {
    await setQuota(0, false);
    const raised = Date.now();
    // The next retry comes at most a minute (+ jitter) later; allow for a slow machine.
    await vi.waitFor(async () => expect(await parentOf(kept.image)).toBeUndefined(), {
      timeout: 90_000,
      interval: 1_000,
    });
    expect(Date.now() - raised).toBeLessThan(90_000);
    await vi.waitFor(() => expect(linesOf(kept.image, 'flatten done after retries')).toHaveLength(1), {
      timeout: 10_000,
      interval: 200,
    });
    // Its source lets go: deletable now (a retry may race the temporary snapshot's cleanup).
    await vi.waitFor(async () => expect(await codeOf(remove(source.id))).toBe(status.OK), {
      timeout: 15_000,
      interval: 500,
    });
  });
});
