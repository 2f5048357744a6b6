// GetCapacity reports what the named pool can still take, as `ceph df` computes it (max_avail:
// replication and full ratio applied), not the raw free space of the cluster.
import { status } from '@grpc/grpc-js';
import { cephCli } from '../../support/ceph.js';
import { call, codeOf, CLUSTER_ID, MOUNT_RWO, startHarness, type Harness } from './harness.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.stop();
});

interface Df {
  stats: { total_avail_bytes: number };
  pools: { name: string; stats: { max_avail: number } }[];
}

async function df(): Promise<Df> {
  const out = await cephCli(h.ceph, ['ceph', 'df', '--format', 'json']);
  return JSON.parse(out.stdout) as Df;
}

const maxAvail = (d: Df, pool: string) => d.pools.find((p) => p.name === pool)?.stats.max_avail ?? -1;

const capacity = async (request: object) =>
  Number((await call(h.controller, 'GetCapacity', request)).available_capacity);

describe('GetCapacity', () => {
  it('given the pool parameter, reports that pool’s max_avail from ceph df, below the raw free space', async () => {
    const before = await df();
    const reported = await capacity({ parameters: { clusterID: CLUSTER_ID, pool: h.ceph.pool } });
    const after = await df();
    // max_avail moves a little as data is written meanwhile: within the two readings around the call.
    const readings = [maxAvail(before, h.ceph.pool), maxAvail(after, h.ceph.pool)];
    expect(reported).toBeGreaterThanOrEqual(Math.min(...readings) * 0.999);
    expect(reported).toBeLessThanOrEqual(Math.max(...readings) * 1.001);
    expect(reported).toBeGreaterThan(0);
    // The raw figure it used to report: every byte of the OSDs, no full ratio, no replication.
    expect(reported).toBeLessThan(after.stats.total_avail_bytes * 0.99);
  });

  it('given no parameters, reports the first cluster’s first configured pool', async () => {
    const reported = await capacity({});
    const d = await df();
    expect(Math.abs(reported - maxAvail(d, h.ceph.pool))).toBeLessThanOrEqual(
      maxAvail(d, h.ceph.pool) * 0.001,
    );
  });

  it('given capabilities no volume can have, reports 0; given supported ones, the pool’s figure', async () => {
    const params = { clusterID: CLUSTER_ID, pool: h.ceph.pool };
    const multiWriterFs = { mount: { fs_type: 'ext4' }, access_mode: { mode: 'MULTI_NODE_MULTI_WRITER' } };
    expect(await capacity({ parameters: params, volume_capabilities: [multiWriterFs] })).toBe(0);
    expect(await capacity({ parameters: params, volume_capabilities: [MOUNT_RWO] })).toBeGreaterThan(0);
  });

  it('given an unknown pool or clusterID, answers INVALID_ARGUMENT naming it', async () => {
    const unknownPool = call(h.controller, 'GetCapacity', {
      parameters: { clusterID: CLUSTER_ID, pool: 'nope' },
    });
    await expect(unknownPool).rejects.toMatchObject({
      code: status.INVALID_ARGUMENT,
      details: expect.stringContaining('pool "nope" does not exist'),
    });
    const unknownCluster = call(h.controller, 'GetCapacity', { parameters: { clusterID: 'elsewhere' } });
    expect(await codeOf(unknownCluster)).toBe(status.INVALID_ARGUMENT);
  });
});
