import { CSI_ERR, csiError } from '../../errors.js';
import { cephError, ERRNO } from '../../effects/ceph/ceph-call.js';
import { monCommand } from '../../effects/ceph/mon-command.js';
import { poolFullness } from '../../effects/ceph/pool-flags.js';
import type { RadosConnection } from '../../effects/ceph/rados-connection.js';
import { explainHeld } from './pool-room.js';

vi.mock('../../effects/ceph/mon-command.js', () => ({ monCommand: vi.fn() }));

const mon = vi.mocked(monCommand);
const listing = (flags: string) =>
  JSON.stringify([{ pool_name: 'p', flags_names: flags, quota_max_bytes: 4096, quota_max_objects: 0 }]);
const connection = () => ({}) as RadosConnection;
const held = () => cephError('rbd_open', ERRNO.ETIMEDOUT, 'csi-vol-x');
const ACTION = 'no snapshot can be taken';

beforeEach(() => mon.mockReset());

describe('explainHeld', () => {
  it('given a write held until the timeout on a pool the mons now say is at its quota, answers CSI_ERR_POOL_FULL', async () => {
    const conn = connection();
    // The check's answer (room), reused for a second: the fresh read must not take it.
    mon.mockResolvedValue(listing(''));
    await poolFullness(conn);
    mon.mockResolvedValue(listing('full,full_quota'));
    const err = held();
    const out = await explainHeld(err, conn, 'p', ACTION);
    expect(out).toMatchObject({ code: CSI_ERR.POOL_FULL, cause: err });
    expect((out as Error).message).toContain('pool "p" is at its quota (max_bytes 4096)');
    expect((out as Error).message).toContain(ACTION);
    expect(mon).toHaveBeenCalledTimes(2);
  });

  it.each([
    ['the pool has room (Ceph slow or unreachable)', held(), () => mon.mockResolvedValue(listing('')), 1],
    ['another pool is full', held(), () => mon.mockResolvedValue(listing('full').replace('"p"', '"q"')), 1],
    ['an error other than a timeout', csiError(CSI_ERR.CEPH, 'x'), () => undefined, 0],
    ['another UNAVAILABLE errno', cephError('rbd_open', ERRNO.ENOTCONN, 'x'), () => undefined, 0],
  ])('given %s, answers the error unchanged', async (_what, err, arrange, reads) => {
    arrange();
    expect(await explainHeld(err, connection(), 'p', ACTION)).toBe(err);
    expect(mon).toHaveBeenCalledTimes(reads);
  });

  it('given the pool listing cannot be read, answers the error unchanged', async () => {
    mon.mockResolvedValue('not a listing');
    const err = held();
    expect(await explainHeld(err, connection(), 'p', ACTION)).toBe(err);
    expect(mon).toHaveBeenCalledTimes(1);
  });
});
