/** librbd image operations used by the controller, each on koffi worker threads. */
import { CSI_ERR, csiError } from '../../errors.js';
import { cephCall, cephError, ERRNO, hasErrno } from './ceph-call.js';
import { callAsync, ffi, progressCallback, type RbdImageInfo } from './ffi.js';
import { ensureTrashObject } from './trash-object.js';

export async function createImage(
  ioctx: unknown,
  name: string,
  bytes: bigint,
  features: bigint,
): Promise<void> {
  await cephCall(ffi().rbd.rbd_create2, 'rbd_create2', name, ioctx, name, bytes, features, [0]);
}

/**
 * Removes an image; gone already is fine. An ENOENT is believed only once the image cannot be opened:
 * on a full pool without librbd's trash object, rbd_remove answers ENOENT for an image it left in
 * place (trash-object.ts); the object is made then, and the removal tried once more. On a full pool
 * the removal goes through only through an I/O context with FULL_TRY (RadosConnection.ioctx).
 */
export async function removeImage(ioctx: unknown, name: string): Promise<void> {
  if (await removedOrGone(ioctx, name)) return;
  await ensureTrashObject(ioctx);
  if (await removedOrGone(ioctx, name)) return;
  throw csiError(
    CSI_ERR.CEPH,
    `rbd_remove ${name} answered ENOENT, yet the image is still there (librbd could not move it to the trash)`,
  );
}

/** rbd_remove, then true; false when it answered ENOENT for an image that can still be opened. */
async function removedOrGone(ioctx: unknown, name: string): Promise<boolean> {
  try {
    await cephCall(ffi().rbd.rbd_remove, 'rbd_remove', name, ioctx, name);
    return true;
  } catch (err) {
    if (!hasErrno(err, ERRNO.ENOENT)) throw err;
  }
  try {
    await withImage(ioctx, name, async () => undefined, null, true);
    return false;
  } catch (err) {
    if (hasErrno(err, ERRNO.ENOENT)) return true;
    throw err;
  }
}

/**
 * Opens `name` (at `snap`, if given), runs `fn` with the image handle, closes it. `readOnly` opens
 * without watching the header: a reader that does not keep a concurrent `rbd_remove` busy.
 */
export async function withImage<T>(
  ioctx: unknown,
  name: string,
  fn: (image: unknown) => Promise<T>,
  snap: string | null = null,
  readOnly = false,
): Promise<T> {
  const { rbd } = ffi();
  const out: unknown[] = [null];
  const open = readOnly ? 'rbd_open_read_only' : 'rbd_open';
  await cephCall(rbd[open], open, name, ioctx, name, out, snap);
  try {
    return await fn(out[0]);
  } finally {
    await callAsync(rbd.rbd_close, out[0]);
  }
}

export async function imageSize(image: unknown, name: string): Promise<bigint> {
  const size: (number | bigint)[] = [0];
  await cephCall(ffi().rbd.rbd_get_size, 'rbd_get_size', name, image, size);
  return BigInt(size[0] ?? 0);
}

export async function resizeImage(image: unknown, name: string, bytes: bigint): Promise<void> {
  await cephCall(ffi().rbd.rbd_resize, 'rbd_resize', name, image, bytes);
}

/** What bounds an open image's size: its size, its features and its object size. */
export interface ImageLayout {
  readonly bytes: bigint;
  readonly features: bigint;
  readonly objectBytes: bigint;
}

/** Reads the layout of an open image (rbd_stat, rbd_get_features). */
export async function imageLayout(image: unknown, name: string): Promise<ImageLayout> {
  const { rbd, rbdStat, rbdImageInfoBytes } = ffi();
  const info: Partial<RbdImageInfo> = {};
  await cephCall(rbdStat, 'rbd_stat', name, image, info, rbdImageInfoBytes);
  const features: (number | bigint)[] = [0];
  await cephCall(rbd.rbd_get_features, 'rbd_get_features', name, image, features);
  return {
    bytes: BigInt(info.size ?? 0),
    features: BigInt(features[0] ?? 0),
    objectBytes: BigInt(info.obj_size ?? 0),
  };
}

/** The features of image `name`, read through a read-only open (no watch: a concurrent removal stays free). */
export async function readImageFeatures(ioctx: unknown, name: string): Promise<bigint> {
  return withImage(ioctx, name, async (image) => (await imageLayout(image, name)).features, null, true);
}

/**
 * Resizes an open image to `bytes`. librbd answers EINVAL for a size it cannot give this image (more
 * objects than its object map holds, decide/image-limits.ts): a capacity the driver cannot provide,
 * OUT_OF_RANGE, not a driver fault. The image keeps its size then.
 */
export async function growImage(image: unknown, name: string, bytes: bigint): Promise<void> {
  try {
    await resizeImage(image, name, bytes);
  } catch (err) {
    if (!hasErrno(err, ERRNO.EINVAL)) throw err;
    throw csiError(
      CSI_ERR.CAPACITY_OUT_OF_RANGE,
      `librbd cannot make image ${name} ${bytes} bytes large (rbd_resize: errno 22, e.g. more objects ` +
        'than an object map holds): ask for less, or leave object-map out of imageFeatures',
      { cause: err },
    );
  }
}

export async function setMetadata(image: unknown, name: string, key: string, value: string): Promise<void> {
  await cephCall(ffi().rbd.rbd_metadata_set, 'rbd_metadata_set', `${name} ${key}`, image, key, value);
}

/** An image metadata value, or undefined when the key is not set. */
export async function getMetadata(image: unknown, name: string, key: string): Promise<string | undefined> {
  const buf = Buffer.alloc(4096);
  const len = [buf.length];
  try {
    await cephCall(ffi().rbd.rbd_metadata_get, 'rbd_metadata_get', `${name} ${key}`, image, key, buf, len);
  } catch (err) {
    if (hasErrno(err, ERRNO.ENOENT)) return undefined;
    throw err;
  }
  const end = buf.indexOf(0);
  return buf.subarray(0, end < 0 ? len[0] : end).toString('utf8');
}

export async function createSnap(image: unknown, name: string, snap: string): Promise<void> {
  try {
    await cephCall(ffi().rbd.rbd_snap_create, 'rbd_snap_create', `${name}@${snap}`, image, snap);
  } catch (err) {
    if (!hasErrno(err, ERRNO.EEXIST)) throw err;
  }
}

/** Removes a snapshot; gone already is fine. */
export async function removeSnap(image: unknown, name: string, snap: string): Promise<void> {
  try {
    await cephCall(ffi().rbd.rbd_snap_remove, 'rbd_snap_remove', `${name}@${snap}`, image, snap);
  } catch (err) {
    if (!hasErrno(err, ERRNO.ENOENT)) throw err;
  }
}

/** Clones `parent@snap` into `child` (clone format 2: the connection sets rbd_default_clone_format). */
export async function cloneImage(
  parentIoctx: unknown,
  parent: string,
  snap: string,
  childIoctx: unknown,
  child: string,
  features: bigint,
): Promise<void> {
  const what = `${parent}@${snap} -> ${child}`;
  await cephCall(
    ffi().rbd.rbd_clone,
    'rbd_clone',
    what,
    parentIoctx,
    parent,
    snap,
    childIoctx,
    child,
    features,
    [0],
  );
}

/** The errno the progress callback answers to make librbd stop a flatten (shutdown). */
const STOP_ERRNO = ERRNO.ECANCELED;

/**
 * Flattens an open clone. With `stop`, through rbd_flatten_with_progress: librbd calls the progress
 * callback as it starts each object's copy-up (AsyncObjectThrottle::start_next_op), and a negative
 * return makes it start no further objects, let the in-flight ones finish, and return that value. So
 * once `stop()` is true the flatten ends within about one object's copy-up per concurrent op,
 * answering a FLATTEN_STOPPED error; the clone keeps its parent, partly copied up (reads stay the
 * same), and the next flatten completes it.
 */
export async function flattenImage(image: unknown, name: string, stop?: () => boolean): Promise<void> {
  if (!stop) {
    await cephCall(ffi().rbd.rbd_flatten, 'rbd_flatten', name, image);
    return;
  }
  const progress = progressCallback(() => (stop() ? -STOP_ERRNO : 0));
  try {
    const rc = await callAsync<number>(ffi().rbdFlattenWithProgress, image, progress.pointer, null);
    if (rc === -STOP_ERRNO && stop()) {
      throw csiError(CSI_ERR.FLATTEN_STOPPED, `flatten of ${name} stopped (shutdown): resumed at next start`);
    }
    if (rc < 0) throw cephError('rbd_flatten_with_progress', -rc, name);
  } finally {
    progress.release();
  }
}

export interface ParentSpec {
  readonly pool: string;
  readonly image: string;
  readonly snap: string;
}

const cString = (buf: Buffer) => {
  const end = buf.indexOf(0);
  return buf.subarray(0, end < 0 ? buf.length : end).toString('utf8');
};

/**
 * The open image's parent (pool, image, snapshot), or undefined when it has none (never cloned, or
 * flattened). rbd_get_parent_info2 answers ENOENT for "no parent"; a parent snapshot removed while
 * clones remain (clone v2) sits in the trash and is reported with its trash name.
 */
export async function parentOf(image: unknown, name: string): Promise<ParentSpec | undefined> {
  const size = 4096;
  const [pool, parent, id, snap] = [0, 1, 2, 3].map(() => Buffer.alloc(size));
  try {
    await cephCall(
      ffi().rbd.rbd_get_parent_info2,
      'rbd_get_parent_info2',
      name,
      image,
      pool,
      size,
      parent,
      size,
      id,
      size,
      snap,
      size,
    );
  } catch (err) {
    if (hasErrno(err, ERRNO.ENOENT)) return undefined;
    throw err;
  }
  return { pool: cString(pool!), image: cString(parent!), snap: cString(snap!) };
}

/**
 * Flattens image `name` if it still has a parent; returns whether it had one. The parent is looked up
 * read-only first, so that checking a flat image never makes a concurrent removal fail as busy. An
 * image gone already (deleted meanwhile) is fine, as is a flatten that lost a race with another
 * (EINVAL: no parent now). `stop` (shutdown) stops a running flatten: FLATTEN_STOPPED. `ready`
 * runs once a parent was found, before the read-write open (whose watch a full pool holds): it may
 * throw to refuse the flatten (the pool is full).
 */
export async function flattenIfChild(
  ioctx: unknown,
  name: string,
  stop?: () => boolean,
  ready?: () => Promise<void>,
): Promise<boolean> {
  try {
    const child = await withImage(ioctx, name, (image) => parentOf(image, name), null, true);
    if (!child) return false;
    await ready?.();
    return await withImage(ioctx, name, async (image) => {
      if (!(await parentOf(image, name))) return false;
      try {
        await flattenImage(image, name, stop);
      } catch (err) {
        if (!hasErrno(err, ERRNO.EINVAL) || (await parentOf(image, name))) throw err;
      }
      return true;
    });
  } catch (err) {
    if (hasErrno(err, ERRNO.ENOENT)) return false;
    throw err;
  }
}

/** Creates an RBD namespace unless it exists (needs the pool's default-namespace ioctx). */
export async function ensureNamespace(poolIoctx: unknown, namespace: string): Promise<void> {
  if (namespace === '') return;
  const { rbd } = ffi();
  const exists = [false];
  await cephCall(rbd.rbd_namespace_exists, 'rbd_namespace_exists', namespace, poolIoctx, namespace, exists);
  if (exists[0]) return;
  try {
    await cephCall(rbd.rbd_namespace_create, 'rbd_namespace_create', namespace, poolIoctx, namespace);
  } catch (err) {
    if (!hasErrno(err, ERRNO.EEXIST)) throw err;
  }
}
