// GetCapacity answers for the pool a CreateVolume with the same parameters would use: with the PVC
// namespace of a Department that has its own storage (`spec.storage.pool`), that department's pool,
// not the StorageClass `pool`. The department's pool here is a pool of its own with a 64 MiB byte
// quota, so its answer (what the quota leaves) cannot be mistaken for the StorageClass pool's
// max_avail. Against the real local Ceph, with the driver reading Departments from --policies.
import { status } from '@grpc/grpc-js';
import { cephCli, startCeph, type CephEnv } from '../../support/ceph.js';
import { call, CLUSTER_ID, MOUNT_RWO, startHarness, type Harness } from './harness.js';
import { departmentYaml } from './tenant-policies.js';

const MIB = 1024 * 1024;
const QUOTA = 64 * MIB;
const run = `${process.pid}-${Date.now() % 100000}`;
const POOL = `corral-dept-${run}`;
const PVC_NS = 'csi.storage.k8s.io/pvc/namespace';
let h: Harness;

async function admin(ceph: CephEnv, args: readonly ['ceph' | 'rbd', ...string[]]): Promise<string> {
  const out = await cephCli(ceph, args);
  if (out.code !== 0) throw new Error(`${args.join(' ')}: ${out.stderr}`);
  return out.stdout;
}

function policiesYaml(): string {
  const dept = (name: string, pool: string) =>
    departmentYaml(name, { storage: { pool, radosNamespace: `${name}-${run}` } });
  return dept('gamma', POOL) + dept('delta', `corral-missing-${run}`);
}

interface PoolStats {
  max_avail: number;
  quota_bytes: number;
}

async function poolStats(pool: string): Promise<PoolStats> {
  const df = JSON.parse(await admin(h.ceph, ['ceph', 'df', 'detail', '--format', 'json'])) as {
    pools: { name: string; stats: PoolStats }[];
  };
  const found = df.pools.find((p) => p.name === pool);
  if (!found) throw new Error(`pool ${pool} missing from df`);
  return found.stats;
}

/** What the quota of the department's pool still leaves (`osd pool get-quota`). */
async function quotaLeft(): Promise<number> {
  const answer = JSON.parse(
    await admin(h.ceph, ['ceph', 'osd', 'pool', 'get-quota', POOL, '--format', 'json']),
  ) as { quota_max_bytes: number; current_num_bytes: number };
  return answer.quota_max_bytes - answer.current_num_bytes;
}

const capacity = async (parameters: Record<string, string>) =>
  Number((await call(h.controller, 'GetCapacity', { parameters })).available_capacity);

beforeAll(async () => {
  const ceph = await startCeph();
  await admin(ceph, ['ceph', 'osd', 'pool', 'create', POOL, '1', '1']);
  await admin(ceph, ['rbd', 'pool', 'init', POOL]);
  await admin(ceph, ['ceph', 'osd', 'pool', 'set-quota', POOL, 'max_bytes', String(QUOTA)]);
  h = await startHarness({ ceph, policies: policiesYaml() });
  await vi.waitFor(async () => expect((await poolStats(POOL)).quota_bytes).toBe(QUOTA), {
    timeout: 10_000,
    interval: 250,
  });
});

afterAll(async () => {
  if (h) await cephCli(h.ceph, ['ceph', 'osd', 'pool', 'rm', POOL, POOL, '--yes-i-really-really-mean-it']);
  await h?.stop();
});

describe('GetCapacity for a department with its own pool', () => {
  it('given the PVC namespace of the department, reports its pool (what the quota leaves), not the StorageClass pool', async () => {
    const shared = { clusterID: CLUSTER_ID, pool: h.ceph.pool };
    const forDepartment = { ...shared, [PVC_NS]: 'gamma-apps' };
    // Two reads a moment apart: the pool's usage may move by a few bytes (its metadata objects) in
    // between, so they are compared until both read the same state.
    await vi.waitFor(async () => expect(await capacity(forDepartment)).toBe(await quotaLeft()), {
      timeout: 10_000,
      interval: 250,
    });
    expect(await capacity(forDepartment)).toBeLessThanOrEqual(QUOTA);
    // The StorageClass pool, for a PVC of no department or none given: far more than the quota.
    const { max_avail: maxAvail } = await poolStats(h.ceph.pool);
    expect(maxAvail).toBeGreaterThan(4 * QUOTA);
    for (const parameters of [shared, { ...shared, [PVC_NS]: 'kube-public' }]) {
      expect(Math.abs((await capacity(parameters)) - maxAvail)).toBeLessThanOrEqual(maxAvail * 0.01);
    }
  });

  it('given the same parameters, CreateVolume places the image in the pool GetCapacity measured', async () => {
    const adminKey = (await admin(h.ceph, ['ceph', 'auth', 'print-key', 'client.admin'])).trim();
    const parameters = { clusterID: CLUSTER_ID, pool: h.ceph.pool, [PVC_NS]: 'gamma-apps' };
    const made = await call(h.controller, 'CreateVolume', {
      name: `pvc-gamma-${run}`,
      capacity_range: { required_bytes: 8 * MIB },
      volume_capabilities: [MOUNT_RWO],
      parameters,
      // client.csi's caps cover only the shared pool; the department's pool needs its own user.
      secrets: { userID: 'admin', userKey: adminKey },
    });
    expect(made.volume!.volume_context!['pool']).toBe(POOL);
    await vi.waitFor(async () => expect(await capacity(parameters)).toBe(await quotaLeft()), {
      timeout: 10_000,
      interval: 250,
    });
    expect(await capacity(parameters)).toBeLessThanOrEqual(QUOTA);
  });

  it('given a department whose pool does not exist, answers INVALID_ARGUMENT naming the Department', async () => {
    const err = call(h.controller, 'GetCapacity', {
      parameters: { clusterID: CLUSTER_ID, pool: h.ceph.pool, [PVC_NS]: 'delta-apps' },
    });
    await expect(err).rejects.toMatchObject({
      code: status.INVALID_ARGUMENT,
      details: expect.stringMatching(/pool "corral-missing-.*" does not exist.*Department "delta"/),
    });
  });
});
