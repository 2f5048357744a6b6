import { csiError, CSI_ERR } from '../../errors.js';
import { ConnectionPool } from './connection-pool.js';
import type { RadosConnection } from './rados-connection.js';

/** A connection that only records whether (and when) it was closed. */
class FakeConnection {
  closed = false;
  constructor(readonly id: number) {}
  async close(): Promise<void> {
    this.closed = true;
  }
}

function fakePool() {
  const made: FakeConnection[] = [];
  const pool = new ConnectionPool({
    timeoutSeconds: 1,
    connect: async () => {
      const conn = new FakeConnection(made.length + 1);
      made.push(conn);
      return conn as unknown as RadosConnection;
    },
  });
  return { pool, made };
}

const target = { clusterID: 'c', monitors: ['127.0.0.1:1'] };
const creds = { userID: 'csi', userKey: 'AQ==' };
const unavailable = () => csiError(CSI_ERR.CEPH_UNAVAILABLE, 'mon timed out');

/** A call that holds its connection until released. */
function heldCall(pool: ConnectionPool) {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  let seen: FakeConnection | undefined;
  const done = pool.with(target, creds, async (conn) => {
    seen = conn as unknown as FakeConnection;
    await gate;
    return seen;
  });
  return { done, release, seen: () => seen };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('ConnectionPool', () => {
  it('given two calls, shares one connection and keeps it open after both finish', async () => {
    const { pool, made } = fakePool();
    await pool.with(target, creds, async () => undefined);
    await pool.with(target, creds, async () => undefined);
    expect(made).toHaveLength(1);
    expect(made[0]?.closed).toBe(false);
  });

  it('given a call failing UNAVAILABLE while another holds the connection, closes it only once that call released it', async () => {
    const { pool, made } = fakePool();
    const other = heldCall(pool);
    await tick();
    const failing = pool.with(target, creds, async () => {
      throw unavailable();
    });
    await expect(failing).rejects.toMatchObject({ code: CSI_ERR.CEPH_UNAVAILABLE });
    expect(made[0]?.closed).toBe(false); // the held call may still be inside librados
    // A new call gets a fresh connection, not the retired one.
    const fresh = await pool.with(target, creds, async (conn) => conn as unknown as FakeConnection);
    expect(fresh.id).toBe(2);
    other.release();
    expect((await other.done).id).toBe(1);
    await tick();
    expect(made[0]?.closed).toBe(true);
    expect(made[1]?.closed).toBe(false);
  });

  it('given closeAll while a call holds a connection, resolves only after the call finished, then closes it', async () => {
    const { pool, made } = fakePool();
    const held = heldCall(pool);
    await tick();
    let closedAll = false;
    const closing = pool.closeAll().then(() => {
      closedAll = true;
    });
    await tick();
    expect(closedAll).toBe(false);
    expect(made[0]?.closed).toBe(false);
    held.release();
    await closing;
    expect(made[0]?.closed).toBe(true);
    expect(pool.size).toBe(0);
  });

  it('given a failed connect, drops it so that the next call connects again', async () => {
    let attempts = 0;
    const pool = new ConnectionPool({
      timeoutSeconds: 1,
      connect: async () => {
        attempts++;
        if (attempts === 1) throw unavailable();
        return new FakeConnection(attempts) as unknown as RadosConnection;
      },
    });
    await expect(pool.with(target, creds, async () => undefined)).rejects.toMatchObject({
      code: CSI_ERR.CEPH_UNAVAILABLE,
    });
    await pool.with(target, creds, async () => undefined);
    expect(attempts).toBe(2);
    await pool.closeAll();
    expect(pool.size).toBe(0);
  });
});
