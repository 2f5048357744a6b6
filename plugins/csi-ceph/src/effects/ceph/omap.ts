/** RADOS omap reads and writes on one object (the journal's storage), every call off the event loop. */
import { cephCall, cephError, ERRNO } from './ceph-call.js';
import { callAsync, decodeBytes, ffi } from './ffi.js';

/** Sets and removes keys of `oid` in one atomic write op (creating the object if needed). */
export async function omapWrite(
  ioctx: unknown,
  oid: string,
  set: Readonly<Record<string, string>>,
  remove: readonly string[] = [],
): Promise<void> {
  const { rados } = ffi();
  const op = rados.rados_create_write_op();
  try {
    rados.rados_write_op_create(op, 0, null);
    const keys = Object.keys(set);
    if (keys.length > 0) {
      const values = keys.map((k) => set[k] ?? '');
      const lens = values.map((v) => Buffer.byteLength(v));
      rados.rados_write_op_omap_set(op, keys, values, lens, keys.length);
    }
    if (remove.length > 0) rados.rados_write_op_omap_rm_keys(op, remove, remove.length);
    await cephCall(rados.rados_write_op_operate, 'omap write', oid, op, ioctx, oid, null, 0);
  } finally {
    rados.rados_release_write_op(op);
  }
}

export interface OmapPage {
  readonly entries: ReadonlyMap<string, string>;
  readonly more: boolean;
}

/** Reads up to `max` keys of `oid` starting with `prefix`, after `startAfter`; a missing object is empty. */
export async function omapList(
  ioctx: unknown,
  oid: string,
  prefix: string,
  startAfter = '',
  max = 1000,
): Promise<OmapPage> {
  const { rados } = ffi();
  const op = rados.rados_create_read_op();
  const iter: unknown[] = [null];
  const more = [0];
  const prval = [0];
  try {
    rados.rados_read_op_omap_get_vals2(op, startAfter, prefix, max, iter, more, prval);
    const rc = await callAsync<number>(rados.rados_read_op_operate, op, ioctx, oid, 0);
    if (rc === -ERRNO.ENOENT) return { entries: new Map(), more: false };
    if (rc < 0) throw cephError('omap read', -rc, oid);
    const entries = readIterator(iter[0]);
    return { entries, more: (more[0] ?? 0) !== 0 };
  } finally {
    rados.rados_release_read_op(op);
  }
}

function readIterator(iter: unknown): Map<string, string> {
  const { rados } = ffi();
  const entries = new Map<string, string>();
  const key: unknown[] = [null];
  const val: unknown[] = [null];
  const keyLen = [0];
  const valLen = [0];
  try {
    while (rados.rados_omap_get_next2(iter, key, val, keyLen, valLen) === 0 && key[0] !== null) {
      entries.set(decodeBytes(key[0], keyLen[0] ?? 0), decodeBytes(val[0], valLen[0] ?? 0));
    }
  } finally {
    rados.rados_omap_get_end(iter);
  }
  return entries;
}

/** Reads one key; undefined when the key or the object is missing. */
export async function omapGet(ioctx: unknown, oid: string, key: string): Promise<string | undefined> {
  // The prefix filter makes this a point read (keys sharing the prefix are few and sorted first).
  const page = await omapList(ioctx, oid, key, '', 1);
  return page.entries.get(key);
}
