/**
 * Keeps one RadosConnection per (cluster, user, key) and shares it between calls. A connection whose
 * call failed with "Ceph unavailable" is retired, so that the next call reconnects (librados does not
 * recover a handle whose mon session timed out at connect).
 *
 * A connection is freed (rados_shutdown) only once no call holds it: every `with` holds it from
 * before `fn` runs until `fn` settled, and a retired connection closes when its last holder lets go.
 * Freeing a handle that another call's librados operation (on a koffi worker thread) still uses would
 * be a use-after-free in native code: a crash, not an error. New calls never get a retired
 * connection. `closeAll` (shutdown) retires every connection and waits for their holders.
 */
import { createHash } from 'node:crypto';
import { CSI_ERR, csiError, isCsiError } from '../../errors.js';
import { RadosConnection, type ConnectOptions } from './rados-connection.js';

export interface CephTarget {
  readonly clusterID: string;
  readonly monitors: readonly string[];
}

export interface Credentials {
  readonly userID: string;
  readonly userKey: string;
}

export interface PoolSettings {
  readonly cephConf?: string;
  readonly timeoutSeconds: number;
  /** Opens a connection (a seam for tests; default RadosConnection.connect). */
  readonly connect?: (options: ConnectOptions) => Promise<RadosConnection>;
}

/** One shared connection and the calls holding it. */
class Entry {
  holders = 0;
  retired = false;
  private closing: Promise<void> | undefined;
  private resolveClosed!: () => void;
  /** Resolves once the connection was closed (or never opened). */
  readonly closed = new Promise<void>((resolve) => {
    this.resolveClosed = resolve;
  });

  constructor(readonly connection: Promise<RadosConnection>) {}

  /** Closes the connection once it is retired and nobody holds it; idempotent. */
  closeIfIdle(): void {
    if (!this.retired || this.holders > 0 || this.closing) return;
    this.closing = this.connection
      .then((conn) => conn.close())
      .catch(() => undefined)
      .finally(() => this.resolveClosed());
  }
}

export class ConnectionPool {
  private readonly entries = new Map<string, Entry>();
  /** Retired entries not closed yet (their holders are still at work). */
  private readonly retiring = new Set<Entry>();
  private shutDown = false;

  constructor(private readonly settings: PoolSettings) {}

  /** Runs `fn` with the shared connection of (target, credentials); retires it when Ceph is unavailable. */
  async with<T>(
    target: CephTarget,
    creds: Credentials,
    fn: (conn: RadosConnection) => Promise<T>,
  ): Promise<T> {
    if (this.shutDown) throw csiError(CSI_ERR.CEPH_UNAVAILABLE, 'the driver is shutting down: retry');
    const key = poolKey(target, creds);
    const entry = this.entryFor(key, target, creds);
    entry.holders++;
    try {
      const conn = await entry.connection;
      return await fn(conn);
    } catch (err) {
      if (isCsiError(err, CSI_ERR.CEPH_UNAVAILABLE)) this.retire(key, entry);
      throw err;
    } finally {
      entry.holders--;
      entry.closeIfIdle();
    }
  }

  /** How many connections are open or still closing (for tests and diagnostics). */
  get size(): number {
    return this.entries.size + this.retiring.size;
  }

  private entryFor(key: string, target: CephTarget, creds: Credentials): Entry {
    const found = this.entries.get(key);
    if (found) return found;
    const options: ConnectOptions = {
      monitors: target.monitors,
      userID: creds.userID,
      userKey: creds.userKey,
      timeoutSeconds: this.settings.timeoutSeconds,
      ...(this.settings.cephConf ? { cephConf: this.settings.cephConf } : {}),
    };
    const connect = this.settings.connect ?? RadosConnection.connect;
    const entry = new Entry(connect(options));
    this.entries.set(key, entry);
    // A connect that failed is never reused (and has nothing to close).
    entry.connection.catch(() => this.retire(key, entry));
    return entry;
  }

  /** No new call gets `entry`; it closes once its last holder lets go. */
  private retire(key: string, entry: Entry): void {
    if (this.entries.get(key) === entry) this.entries.delete(key);
    if (entry.retired) return;
    entry.retired = true;
    this.retiring.add(entry);
    void entry.closed.then(() => this.retiring.delete(entry));
    entry.closeIfIdle();
  }

  /**
   * Retires every connection and resolves once all are closed (after their holders finished); later
   * calls are refused (UNAVAILABLE), so that nothing opens a connection after shutdown.
   */
  async closeAll(): Promise<void> {
    this.shutDown = true;
    for (const [key, entry] of [...this.entries]) this.retire(key, entry);
    await Promise.all([...this.retiring].map((entry) => entry.closed));
  }
}

/** The pool key; the secret key is hashed, never kept in clear as a map key. */
function poolKey(target: CephTarget, creds: Credentials): string {
  const digest = createHash('sha256').update(creds.userKey).digest('hex').slice(0, 16);
  return `${target.clusterID}\0${creds.userID}\0${digest}`;
}
