/**
 * Keeps one RadosConnection per (cluster, user, key) and reuses it. A connection whose call failed
 * with "Ceph unavailable" is dropped, so that the next call reconnects (librados does not recover a
 * handle whose mon session timed out at connect).
 */
import { createHash } from 'node:crypto';
import { CSI_ERR, isCsiError } from '../../errors.js';
import { RadosConnection, type ConnectOptions } from './rados-connection.js';

export interface CephTarget {
  readonly clusterID: string;
  readonly monitors: readonly string[];
}

export interface Credentials {
  readonly userID: string;
  readonly userKey: string;
}

export class ConnectionPool {
  private readonly connections = new Map<string, Promise<RadosConnection>>();

  constructor(private readonly settings: { cephConf?: string; timeoutSeconds: number }) {}

  /** Runs `fn` with the shared connection of (target, credentials); drops it when Ceph is unavailable. */
  async with<T>(
    target: CephTarget,
    creds: Credentials,
    fn: (conn: RadosConnection) => Promise<T>,
  ): Promise<T> {
    const key = poolKey(target, creds);
    const conn = await this.get(key, target, creds);
    try {
      return await fn(conn);
    } catch (err) {
      if (isCsiError(err, CSI_ERR.CEPH_UNAVAILABLE)) this.drop(key, conn);
      throw err;
    }
  }

  private get(key: string, target: CephTarget, creds: Credentials): Promise<RadosConnection> {
    let found = this.connections.get(key);
    if (!found) {
      const options: ConnectOptions = {
        monitors: target.monitors,
        userID: creds.userID,
        userKey: creds.userKey,
        timeoutSeconds: this.settings.timeoutSeconds,
        ...(this.settings.cephConf ? { cephConf: this.settings.cephConf } : {}),
      };
      found = RadosConnection.connect(options);
      this.connections.set(key, found);
      found.catch(() => {
        if (this.connections.get(key) === found) this.connections.delete(key);
      });
    }
    return found;
  }

  private drop(key: string, conn: RadosConnection): void {
    const current = this.connections.get(key);
    if (!current) return;
    void current.then((c) => {
      if (c !== conn) return;
      this.connections.delete(key);
      void conn.close().catch(() => undefined);
    });
  }

  async closeAll(): Promise<void> {
    const all = [...this.connections.values()];
    this.connections.clear();
    for (const pending of all) {
      const conn = await pending.catch(() => undefined);
      await conn?.close();
    }
  }
}

/** The pool key; the secret key is hashed, never kept in clear as a map key. */
function poolKey(target: CephTarget, creds: Credentials): string {
  const digest = createHash('sha256').update(creds.userKey).digest('hex').slice(0, 16);
  return `${target.clusterID}\0${creds.userID}\0${digest}`;
}
