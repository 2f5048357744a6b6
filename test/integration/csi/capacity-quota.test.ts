// GetCapacity caps a pool's max_avail with what its byte quota leaves (`osd pool set-quota <pool>
// max_bytes N`, which `ceph df` does not apply to max_avail; the bytes counted are get-quota's
// current_num_bytes): quota set, past the quota, cleared; and with what an object-count quota leaves
// room for (4 MiB per data object, after the objects a new volume's image takes).
// On a pool of its own (no other test writes there, so `stored` stays put while the test reads it).
import { writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cephCli } from '../../support/ceph.js';
import { call, CLUSTER_ID, startHarness, type Harness } from './harness.js';

const MIB = 1024 * 1024;
const POOL = `corral-quota-${Math.floor(Math.random() * 1e9)}`;
let h: Harness;

async function admin(args: readonly ['ceph' | 'rados', ...string[]]): Promise<string> {
  const out = await cephCli(h.ceph, args);
  if (out.code !== 0) throw new Error(`${args.join(' ')}: ${out.stderr}`);
  return out.stdout;
}

interface PoolStats {
  max_avail: number;
  stored: number;
  quota_bytes: number;
}

async function stats(): Promise<PoolStats> {
  const df = JSON.parse(await admin(['ceph', 'df', 'detail', '--format', 'json'])) as {
    pools: { name: string; stats: PoolStats }[];
  };
  const found = df.pools.find((p) => p.name === POOL);
  if (!found) throw new Error(`pool ${POOL} missing from df`);
  return found.stats;
}

/** The bytes the mons hold against the pool's quota (`osd pool get-quota`'s current_num_bytes). */
async function quotaUsed(): Promise<number> {
  const answer = JSON.parse(await admin(['ceph', 'osd', 'pool', 'get-quota', POOL, '--format', 'json'])) as {
    current_num_bytes: number;
  };
  return answer.current_num_bytes;
}

const setQuota = (bytes: number) =>
  admin(['ceph', 'osd', 'pool', 'set-quota', POOL, 'max_bytes', String(bytes)]);

const capacity = async () =>
  BigInt(
    (await call(h.controller, 'GetCapacity', { parameters: { clusterID: CLUSTER_ID, pool: POOL } }))
      .available_capacity ?? -1,
  );

beforeAll(async () => {
  h = await startHarness();
  await admin(['ceph', 'osd', 'pool', 'create', POOL, '1', '1']);
  await admin(['ceph', 'osd', 'pool', 'application', 'enable', POOL, 'rbd']);
  // 8 MiB of data, so that `stored` is not 0; the mgr reports it within a few seconds.
  const file = join(tmpdir(), `${POOL}.bin`);
  await writeFile(file, Buffer.alloc(8 * MIB, 7));
  await admin(['rados', '-p', POOL, 'put', 'filler', file]);
  await rm(file, { force: true });
  await vi.waitFor(async () => expect((await stats()).stored).toBeGreaterThanOrEqual(8 * MIB), {
    timeout: 30_000,
    interval: 500,
  });
});

afterAll(async () => {
  if (h) await cephCli(h.ceph, ['ceph', 'osd', 'pool', 'rm', POOL, POOL, '--yes-i-really-really-mean-it']);
  await h?.stop();
});

// Every step is a `ceph` command (a Python process, slow on a busy machine): more than the default
// 20 s per test.
describe('GetCapacity with a pool quota', { timeout: 60_000 }, () => {
  it('given max_bytes below max_avail, reports max_bytes less the bytes the quota counts; cleared, max_avail again', async () => {
    const before = await stats();
    const quota = before.stored + 64 * MIB;
    expect(quota).toBeLessThan(before.max_avail); // else the quota would not be what limits
    await setQuota(quota);
    await vi.waitFor(async () => expect((await stats()).quota_bytes).toBe(quota), { timeout: 10_000 });
    expect(await capacity()).toBe(BigInt(quota - (await quotaUsed())));

    await setQuota(0);
    await vi.waitFor(async () => expect((await stats()).quota_bytes).toBe(0), { timeout: 10_000 });
    // max_avail moves as other tests write to the OSD meanwhile (a whole suite at once): the answer
    // must sit between the readings just before and after it, 0.1 % aside; retried until no write
    // came in between so much that they differ widely.
    await vi.waitFor(
      async () => {
        const before = (await stats()).max_avail;
        const cleared = Number(await capacity());
        const after = (await stats()).max_avail;
        expect(cleared).toBeGreaterThan(quota);
        expect(cleared).toBeGreaterThanOrEqual(Math.min(before, after) * 0.999);
        expect(cleared).toBeLessThanOrEqual(Math.max(before, after) * 1.001);
      },
      { timeout: 30_000, interval: 500 },
    );
  });

  it('given an object-count quota: reached, 0; with room for a few objects, 4 MiB each after a new image; ample, max_avail', async () => {
    const objects = async () =>
      JSON.parse(await admin(['ceph', 'osd', 'pool', 'get-quota', POOL, '--format', 'json'])) as {
        current_num_objects: number;
        quota_max_objects: number;
      };
    const { current_num_objects: count } = await objects();
    expect(count).toBeGreaterThanOrEqual(1); // the 8 MiB filler
    const setObjects = (n: number) =>
      admin(['ceph', 'osd', 'pool', 'set-quota', POOL, 'max_objects', String(n)]);
    try {
      await setObjects(count);
      await vi.waitFor(async () => expect((await objects()).quota_max_objects).toBe(count), {
        timeout: 10_000,
      });
      expect(await capacity()).toBe(0n);
      // Room for 8 objects: a new volume's image takes 5 of them (NEW_VOLUME_OBJECTS), 3 are data.
      await setObjects(count + 8);
      await vi.waitFor(async () => expect((await objects()).quota_max_objects).toBe(count + 8), {
        timeout: 10_000,
      });
      expect(await capacity()).toBe(3n * 4n * BigInt(MIB));
      await setObjects(count + 100_000);
      await vi.waitFor(async () => expect((await objects()).quota_max_objects).toBe(count + 100_000), {
        timeout: 10_000,
      });
      const { max_avail: maxAvail } = await stats();
      expect(Math.abs(Number(await capacity()) - maxAvail)).toBeLessThanOrEqual(maxAvail * 0.001);
    } finally {
      await setObjects(0);
    }
  });

  it('given a quota the pool already exceeds, reports 0', async () => {
    const { stored } = await stats();
    await setQuota(Math.floor(stored / 2));
    try {
      await vi.waitFor(async () => expect((await stats()).quota_bytes).toBe(Math.floor(stored / 2)), {
        timeout: 10_000,
      });
      expect(await capacity()).toBe(0n);
    } finally {
      await setQuota(0);
    }
  });
});
