/**
 * One librados connection (cluster handle) for one (cluster, user), with its I/O contexts cached per
 * (pool, RADOS namespace). Credentials go in through `rados_conf_set("key", ...)`: no keyring file.
 */
import { CSI_ERR, csiError, type CsiError } from '../../errors.js';
import { cephCall, ERRNO, hasErrno } from './ceph-call.js';
import { callAsync, ffi } from './ffi.js';

export interface ConnectOptions {
  readonly monitors: readonly string[];
  readonly userID: string;
  readonly userKey: string;
  /** Optional ceph.conf read before the settings below. */
  readonly cephConf?: string;
  /** Seconds a mon/osd operation may take before failing with ETIMEDOUT. */
  readonly timeoutSeconds: number;
}

export class RadosConnection {
  private readonly ioctxs = new Map<string, Promise<unknown>>();
  private closed = false;

  private constructor(readonly handle: unknown) {}

  static async connect(options: ConnectOptions): Promise<RadosConnection> {
    const { rados } = ffi();
    const out: unknown[] = [null];
    await cephCall(
      rados.rados_create2,
      'rados_create2',
      options.userID,
      out,
      'ceph',
      `client.${options.userID}`,
      0,
    );
    const handle = out[0];
    try {
      if (options.cephConf) {
        await cephCall(
          rados.rados_conf_read_file,
          'rados_conf_read_file',
          options.cephConf,
          handle,
          options.cephConf,
        );
      }
      const timeout = String(options.timeoutSeconds);
      const settings: [string, string][] = [
        ['mon_host', options.monitors.join(',')],
        ['key', options.userKey],
        ['client_mount_timeout', timeout],
        ['rados_mon_op_timeout', timeout],
        ['rados_osd_op_timeout', timeout],
        ['rbd_default_clone_format', '2'],
        ['log_to_stderr', 'false'],
        ['err_to_stderr', 'false'],
      ];
      for (const [option, value] of settings) {
        await cephCall(rados.rados_conf_set, 'rados_conf_set', option, handle, option, value);
      }
      await cephCall(rados.rados_connect, 'rados_connect', options.monitors.join(','), handle);
    } catch (err) {
      await callAsync(rados.rados_shutdown, handle);
      throw malformedKey(err) ?? connectTimedOut(err) ?? err;
    }
    return new RadosConnection(handle);
  }

  /**
   * The I/O context of `pool`, bound to RADOS namespace `namespace` ('' = default). With `fullTry`, a
   * separate one whose writes carry librados' pool FULL_TRY: on a pool at its quota or full, a write
   * that needs room fails at once (EDQUOT, ENOSPC) instead of waiting until there is room, and one
   * that frees room (a removal) goes through.
   */
  ioctx(pool: string, namespace: string, fullTry = false): Promise<unknown> {
    if (this.closed) return Promise.reject(csiError(CSI_ERR.CEPH_UNAVAILABLE, 'connection closed'));
    const key = `${pool}\0${namespace}\0${fullTry ? 'full-try' : ''}`;
    let found = this.ioctxs.get(key);
    if (!found) {
      found = this.openIoctx(pool, namespace, fullTry);
      this.ioctxs.set(key, found);
      found.catch(() => this.ioctxs.delete(key));
    }
    return found;
  }

  private async openIoctx(pool: string, namespace: string, fullTry: boolean): Promise<unknown> {
    const { rados } = ffi();
    const out: unknown[] = [null];
    await cephCall(rados.rados_ioctx_create, 'rados_ioctx_create', `pool ${pool}`, this.handle, pool, out);
    rados.rados_ioctx_set_namespace(out[0], namespace);
    // librbd copies the flag into the I/O contexts it derives (IoCtxImpl::dup), so its writes carry it too.
    if (fullTry) rados.rados_set_pool_full_try(out[0]);
    return out[0];
  }

  /** Raw cluster capacity in bytes: total and available. */
  async clusterStat(): Promise<{ totalBytes: bigint; availBytes: bigint }> {
    const stats = new BigUint64Array(4);
    await cephCall(ffi().rados.rados_cluster_stat, 'rados_cluster_stat', 'cluster', this.handle, stats);
    return { totalBytes: (stats[0] ?? 0n) * 1024n, availBytes: (stats[2] ?? 0n) * 1024n };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const { rados } = ffi();
    for (const ioctx of this.ioctxs.values()) {
      const handle = await ioctx.catch(() => undefined);
      if (handle) rados.rados_ioctx_destroy(handle);
    }
    this.ioctxs.clear();
    await callAsync(rados.rados_shutdown, this.handle);
  }
}

/**
 * librados answers EINVAL, from setting `key` or from connecting, when the key does not decode to a
 * cephx key (valid base64 or not): the caller's mistake, not Ceph's. A well-formed key the mons do not
 * accept is a different failure: the mon drops the session and the connect times out (UNAVAILABLE).
 */
function malformedKey(err: unknown): CsiError | undefined {
  if (!hasErrno(err, ERRNO.EINVAL)) return undefined;
  const op = (err as CsiError).details?.['op'];
  const what = (err as CsiError).message;
  if (op !== 'rados_connect' && !(op === 'rados_conf_set' && what.startsWith('rados_conf_set key:')))
    return undefined;
  return csiError(
    CSI_ERR.INVALID_ARGUMENT,
    "userKey is not a cephx key: set the Secret's userKey to the base64 key `ceph auth get-key` prints",
    { cause: err },
  );
}

/** A connect that timed out: Ceph unreachable, or (indistinguishably) a key or user the mons refused. */
function connectTimedOut(err: unknown): CsiError | undefined {
  const details = (err as CsiError | undefined)?.details;
  if (!hasErrno(err, ERRNO.ETIMEDOUT) || details?.['op'] !== 'rados_connect') return undefined;
  return csiError(
    CSI_ERR.CEPH_UNAVAILABLE,
    `${(err as CsiError).message}: no mon session within --ceph-timeout: the mons are unreachable, or they ` +
      'refused userID/userKey (librados reports a wrong key or unknown user as this same timeout)',
    { cause: err, details },
  );
}
