import { CSI_ERR } from '../errors.js';
import type { ClusterEntry } from './cluster-config.js';
import { capacityTarget, poolAvailable, quotaCapped } from './capacity-pools.js';

const entry = (clusterID: string, pools: string[]): ClusterEntry => ({
  clusterID,
  monitors: ['127.0.0.1:3300'],
  radosNamespace: '',
  pools,
});
const clusters = new Map([
  ['one', entry('one', ['rbd', 'fast'])],
  ['two', entry('two', [])],
]);

describe('capacityTarget', () => {
  it.each([
    ['no parameters', {}, 'one', 'rbd'],
    ['a clusterID only', { clusterID: 'one' }, 'one', 'rbd'],
    ['a pool', { clusterID: 'one', pool: 'fast' }, 'one', 'fast'],
    ['a pool on a cluster with no rbd.pools', { clusterID: 'two', pool: 'x' }, 'two', 'x'],
  ])('given %s, returns the cluster and pool', (_label, params, clusterID, pool) => {
    const target = capacityTarget(params, clusters);
    expect(target.status === 'pass' && [target.value.cluster.clusterID, target.value.pool]).toEqual([
      clusterID,
      pool,
    ]);
  });

  it.each([
    ['an unknown clusterID', { clusterID: 'nope' }, CSI_ERR.UNKNOWN_CLUSTER],
    ['no pool and no rbd.pools', { clusterID: 'two' }, CSI_ERR.INVALID_ARGUMENT],
  ])('given %s, fails with the code', (_label, params, code) => {
    expect(capacityTarget(params, clusters)).toMatchObject({ status: 'fail', code });
  });

  it('given no clusters at all, fails UNKNOWN_CLUSTER', () => {
    expect(capacityTarget({}, new Map())).toMatchObject({ status: 'fail', code: CSI_ERR.UNKNOWN_CLUSTER });
  });
});

describe('quotaCapped', () => {
  it.each([
    ['no quota', 1000n, 0n, 5000n, 1000n],
    ['a quota leaving more than max_avail', 1000n, 10_000n, 5000n, 1000n],
    ['a quota leaving less than max_avail', 1000n, 5500n, 5000n, 500n],
    ['a quota exactly used up', 1000n, 5000n, 5000n, 0n],
    ['a pool past its quota', 1000n, 4000n, 5000n, 0n],
    ['a full pool under a quota', 0n, 10_000n, 5000n, 0n],
  ])(
    'given %s, returns the smaller of max_avail and what the quota leaves',
    (_l, avail, quota, stored, out) => {
      expect(quotaCapped(avail, quota, stored)).toBe(out);
    },
  );
});

describe('poolAvailable', () => {
  const df = JSON.stringify({
    stats: { total_avail_bytes: 10_000 },
    pools: [
      { name: 'rbd', id: 1, stats: { max_avail: 4321.0, stored: 5 } },
      { name: 'full', id: 2, stats: { max_avail: 0 } },
      { name: 'broken', id: 3, stats: {} },
      { name: 'quota', id: 4, stats: { max_avail: 4321, quota_bytes: 1000, stored: 400 } },
      { name: 'noquota', id: 5, stats: { max_avail: 4321, quota_bytes: 0, stored: 400 } },
      { name: 'bigquota', id: 6, stats: { max_avail: 4321, quota_bytes: 100_000, stored: 400 } },
      { name: 'over', id: 7, stats: { max_avail: 4321, quota_bytes: 300, stored: 400 } },
      { name: 'nostored', id: 8, stats: { max_avail: 4321, quota_bytes: 300 } },
      { name: 'badquota', id: 9, stats: { max_avail: 4321, quota_bytes: 'x', stored: 1 } },
    ],
  });

  it.each([
    ['a pool (plain df: no quota fields)', 'rbd', 4321n],
    ['a full pool', 'full', 0n],
    ['a pool whose quota leaves less', 'quota', 600n],
    ['a pool with quota 0 (none)', 'noquota', 4321n],
    ['a pool whose quota leaves more', 'bigquota', 4321n],
    ['a pool past its quota', 'over', 0n],
  ])('given %s, returns what it can still take', (_label, pool, bytes) => {
    expect(poolAvailable(df, pool)).toEqual({ status: 'pass', rule: 'pool-capacity', value: bytes });
  });

  it.each([
    ['an unknown pool', df, 'nope', CSI_ERR.INVALID_ARGUMENT],
    ['a pool without max_avail', df, 'broken', CSI_ERR.CEPH],
    ['a quota without stored bytes', df, 'nostored', CSI_ERR.CEPH],
    ['a quota that is not a number', df, 'badquota', CSI_ERR.CEPH],
    ['output that is not JSON', 'oops', 'rbd', CSI_ERR.CEPH],
    ['output without pools', '{}', 'rbd', CSI_ERR.CEPH],
  ])('given %s, fails with the code', (_label, text, pool, code) => {
    expect(poolAvailable(text, pool)).toMatchObject({ status: 'fail', code });
  });
});
