import { CSI_ERR, csiError } from '../../errors.js';
import { monCommand } from './mon-command.js';
import { POOL_FLAGS_TTL_MS, poolFullness, poolFullnessNow } from './pool-flags.js';
import type { RadosConnection } from './rados-connection.js';

vi.mock('./mon-command.js', () => ({ monCommand: vi.fn() }));

const mon = vi.mocked(monCommand);
const listing = (flags: string) => JSON.stringify([{ pool_name: 'p', flags_names: flags }]);
const connection = () => ({}) as RadosConnection;

beforeEach(() => mon.mockReset());

describe('poolFullness', () => {
  it('given calls within the reuse time, sends one mon command; after it, another', async () => {
    mon.mockResolvedValue(listing('hashpspool'));
    const conn = connection();
    let now = 1_000;
    const clock = () => now;
    const [a, b] = await Promise.all([poolFullness(conn, clock), poolFullness(conn, clock)]);
    now += POOL_FLAGS_TTL_MS - 1;
    await poolFullness(conn, clock);
    expect(mon).toHaveBeenCalledTimes(1);
    expect(a).toBe(b);
    expect(mon).toHaveBeenCalledWith(conn, { prefix: 'osd pool ls', detail: 'detail', format: 'json' });
    mon.mockResolvedValue(listing('full,full_quota'));
    now += 1;
    expect((await poolFullness(conn, clock)).get('p')).toMatchObject({ full: true, fullQuota: true });
    expect(mon).toHaveBeenCalledTimes(2);
  });

  it('given two connections, asks for each (they may be different clusters)', async () => {
    mon.mockResolvedValue(listing(''));
    await poolFullness(connection(), () => 0);
    await poolFullness(connection(), () => 0);
    expect(mon).toHaveBeenCalledTimes(2);
  });

  it('given a failed read, rejects and asks again at the next call', async () => {
    const conn = connection();
    mon.mockRejectedValueOnce(csiError(CSI_ERR.CEPH_FORBIDDEN, 'no'));
    await expect(poolFullness(conn, () => 0)).rejects.toMatchObject({ code: CSI_ERR.CEPH_FORBIDDEN });
    mon.mockResolvedValue(listing('full'));
    expect((await poolFullness(conn, () => 0)).get('p')).toMatchObject({ full: true });
  });

  it('given an answer that is not a pool listing, rejects with CSI_ERR_CEPH', async () => {
    mon.mockResolvedValue('{}');
    await expect(poolFullness(connection(), () => 0)).rejects.toMatchObject({ code: CSI_ERR.CEPH });
  });

  it('given a fresh read within the reuse time, asks the mons again, and the next calls reuse its answer', async () => {
    const conn = connection();
    mon.mockResolvedValue(listing(''));
    await poolFullness(conn, () => 0);
    mon.mockResolvedValue(listing('full,full_quota'));
    expect((await poolFullnessNow(conn, () => 1)).get('p')).toMatchObject({ full: true });
    expect((await poolFullness(conn, () => 2)).get('p')).toMatchObject({ full: true });
    expect(mon).toHaveBeenCalledTimes(2);
  });
});
