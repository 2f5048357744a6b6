import { CSI_ERR } from '../errors.js';
import { checkPoolRoom, fullnessFromErrno, parsePoolFullness, type PoolFullness } from './pool-room.js';

/** One pool as `osd pool ls detail --format json` lists it (the fields the driver reads, and a few more). */
const listed = (name: string, flags: string, maxBytes = 0, maxObjects = 0) => ({
  pool_id: 3,
  pool_name: name,
  flags: 1,
  flags_names: flags,
  size: 1,
  quota_max_bytes: maxBytes,
  quota_max_objects: maxObjects,
});

const parsed = (pools: object[]): ReadonlyMap<string, PoolFullness> => {
  const out = parsePoolFullness(JSON.stringify(pools));
  if (out.status !== 'pass') throw new Error(out.message);
  return out.value;
};

describe('parsePoolFullness', () => {
  it('given pools with and without the full flags, returns each one by name with its quotas', () => {
    const pools = parsed([
      listed('rbd', 'hashpspool,selfmanaged_snaps'),
      listed('quota', 'hashpspool,full,full_quota,selfmanaged_snaps', 10485760),
      listed('osd-full', 'hashpspool,full', 0, 100),
    ]);
    expect(pools.get('rbd')).toEqual({
      full: false,
      fullQuota: false,
      quotaMaxBytes: 0n,
      quotaMaxObjects: 0n,
    });
    expect(pools.get('quota')).toEqual({
      full: true,
      fullQuota: true,
      quotaMaxBytes: 10485760n,
      quotaMaxObjects: 0n,
    });
    expect(pools.get('osd-full')).toMatchObject({ full: true, fullQuota: false, quotaMaxObjects: 100n });
  });

  it('given nearfull or backfillfull only, returns a pool with room', () => {
    expect(parsed([listed('p', 'hashpspool,nearfull,backfillfull')]).get('p')).toMatchObject({
      full: false,
      fullQuota: false,
    });
  });

  it('given entries without a name, skips them', () => {
    expect([...parsed([{ flags_names: 'full' }, listed('p', '')]).keys()]).toEqual(['p']);
  });

  it.each(['not json', '{"pools": []}', 'null'])('given %s, fails with CSI_ERR_CEPH', (text) => {
    expect(parsePoolFullness(text)).toMatchObject({ status: 'fail', code: CSI_ERR.CEPH });
  });
});

describe('checkPoolRoom', () => {
  const pools = parsed([
    listed('rbd', 'hashpspool'),
    listed('bytes', 'hashpspool,full,full_quota', 10485760),
    listed('both', 'full,full_quota', 1024, 8),
    listed('osd-full', 'hashpspool,full'),
  ]);

  it('given pools with room, or an unknown listing, passes', () => {
    expect(checkPoolRoom(['rbd'], pools, 'no volume can be created').status).toBe('pass');
    expect(checkPoolRoom(['missing'], pools, 'x').status).toBe('pass');
    expect(checkPoolRoom(['bytes'], undefined, 'x').status).toBe('pass');
  });

  it('given a pool at its byte quota, fails POOL_FULL naming the pool, the quota and the commands', () => {
    const out = checkPoolRoom(['rbd', 'bytes'], pools, 'no volume can be created');
    expect(out).toMatchObject({ status: 'fail', code: CSI_ERR.POOL_FULL, rule: 'pool-room' });
    const message = out.status === 'fail' ? out.message : '';
    expect(message).toContain('pool "bytes" is at its quota (max_bytes 10485760)');
    expect(message).toContain('so no volume can be created');
    expect(message).toContain('`ceph osd pool set-quota bytes max_bytes|max_objects N`');
    expect(message).toContain('free space in the pool');
  });

  it('given a pool at a quota with both limits set, names both', () => {
    const out = checkPoolRoom(['both'], pools, 'x');
    expect(out.status === 'fail' && out.message).toContain('(max_bytes 1024, max_objects 8)');
  });

  it('given a pool full without a quota (an OSD at the full ratio), says so and what frees it', () => {
    const out = checkPoolRoom(['osd-full'], pools, 'the volume cannot grow');
    const message = out.status === 'fail' ? out.message : '';
    expect(message).toContain('pool "osd-full" is full: an OSD it uses reached the cluster\'s full ratio');
    expect(message).toContain('the volume cannot grow');
    expect(message).toContain('add OSD capacity or free space in the pool');
    expect(message).not.toContain('set-quota');
  });
});

describe('fullnessFromErrno', () => {
  it('given EDQUOT, returns a pool at its quota; given ENOSPC, a full one', () => {
    expect(fullnessFromErrno(122)).toEqual({ full: true, fullQuota: true });
    expect(fullnessFromErrno(28)).toEqual({ full: true, fullQuota: false });
  });
});
