import { CSI_ERR } from '../errors.js';
import type { ClusterEntry } from './cluster-config.js';
import { capacityTarget, poolMaxAvail } from './capacity-pools.js';

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

describe('poolMaxAvail', () => {
  const df = JSON.stringify({
    stats: { total_avail_bytes: 10_000 },
    pools: [
      { name: 'rbd', id: 1, stats: { max_avail: 4321.0, stored: 5 } },
      { name: 'full', id: 2, stats: { max_avail: 0 } },
      { name: 'broken', id: 3, stats: {} },
    ],
  });

  it.each([
    ['a pool', 'rbd', 4321n],
    ['a full pool', 'full', 0n],
  ])('given %s, returns its max_avail', (_label, pool, bytes) => {
    expect(poolMaxAvail(df, pool)).toEqual({ status: 'pass', rule: 'pool-capacity', value: bytes });
  });

  it.each([
    ['an unknown pool', df, 'nope', CSI_ERR.INVALID_ARGUMENT],
    ['a pool without max_avail', df, 'broken', CSI_ERR.CEPH],
    ['output that is not JSON', 'oops', 'rbd', CSI_ERR.CEPH],
    ['output without pools', '{}', 'rbd', CSI_ERR.CEPH],
  ])('given %s, fails with the code', (_label, text, pool, code) => {
    expect(poolMaxAvail(text, pool)).toMatchObject({ status: 'fail', code });
  });
});
