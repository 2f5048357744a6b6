/**
 * koffi bindings to Debian's librados.so.2 and librbd.so.1 (no headers needed). Every binding is
 * called through `callAsync`, which runs it on koffi's worker threads: a librados call never blocks
 * the event loop. Handles (rados_t, rados_ioctx_t, rbd_image_t, ops, iterators) are opaque pointers.
 */
import koffi, { type LibraryHandle } from 'koffi';

/** What koffi accepts as a type (not exported by its typings). */
type TypeSpec = Parameters<typeof koffi.sizeof>[0];
import { CSI_ERR, csiError } from '../../errors.js';

// Declared as prototypes, so that koffi parses the C signatures once.
const RADOS_PROTOS = {
  rados_create2:
    'int rados_create2(_Out_ void **cluster, const char *clustername, const char *name, uint64_t flags)',
  rados_conf_set: 'int rados_conf_set(void *cluster, const char *option, const char *value)',
  rados_conf_read_file: 'int rados_conf_read_file(void *cluster, const char *path)',
  rados_connect: 'int rados_connect(void *cluster)',
  rados_shutdown: 'void rados_shutdown(void *cluster)',
  rados_ioctx_create: 'int rados_ioctx_create(void *cluster, const char *pool, _Out_ void **ioctx)',
  rados_ioctx_destroy: 'void rados_ioctx_destroy(void *ioctx)',
  rados_ioctx_set_namespace: 'void rados_ioctx_set_namespace(void *ioctx, const char *nspace)',
  rados_set_pool_full_try: 'void rados_set_pool_full_try(void *ioctx)',
  rados_ioctx_pool_stat: 'int rados_ioctx_pool_stat(void *ioctx, _Out_ uint64_t *stats)',
  rados_cluster_stat: 'int rados_cluster_stat(void *cluster, _Out_ uint64_t *stats)',
  rados_create_write_op: 'void *rados_create_write_op()',
  rados_release_write_op: 'void rados_release_write_op(void *op)',
  rados_write_op_create: 'void rados_write_op_create(void *op, int exclusive, const char *category)',
  rados_write_op_omap_set:
    'void rados_write_op_omap_set(void *op, const char **keys, const char **vals, const size_t *lens, size_t num)',
  rados_write_op_omap_rm_keys: 'void rados_write_op_omap_rm_keys(void *op, const char **keys, size_t num)',
  rados_write_op_operate:
    'int rados_write_op_operate(void *op, void *ioctx, const char *oid, void *mtime, int flags)',
  rados_create_read_op: 'void *rados_create_read_op()',
  rados_release_read_op: 'void rados_release_read_op(void *op)',
  rados_read_op_omap_get_vals2:
    'void rados_read_op_omap_get_vals2(void *op, const char *start_after, const char *filter_prefix, uint64_t max_return, _Out_ void **iter, _Out_ uint8_t *more, _Out_ int *prval)',
  rados_read_op_operate: 'int rados_read_op_operate(void *op, void *ioctx, const char *oid, int flags)',
  rados_omap_get_next2:
    'int rados_omap_get_next2(void *iter, _Out_ void **key, _Out_ void **val, _Out_ size_t *key_len, _Out_ size_t *val_len)',
  rados_omap_get_end: 'void rados_omap_get_end(void *iter)',
  rados_write_op_omap_cmp:
    'void rados_write_op_omap_cmp(void *op, const char *key, uint8_t comparison_operator, const char *val, size_t val_len, int *prval)',
  rados_mon_command:
    'int rados_mon_command(void *cluster, const char **cmd, size_t cmdlen, const char *inbuf, size_t inbuflen, _Out_ void **outbuf, _Out_ size_t *outbuflen, _Out_ void **outs, _Out_ size_t *outslen)',
  rados_buffer_free: 'void rados_buffer_free(void *buf)',
} as const;

const RBD_PROTOS = {
  rbd_create2:
    'int rbd_create2(void *ioctx, const char *name, uint64_t size, uint64_t features, _Inout_ int *order)',
  rbd_remove: 'int rbd_remove(void *ioctx, const char *name)',
  rbd_open: 'int rbd_open(void *ioctx, const char *name, _Out_ void **image, const char *snap_name)',
  rbd_open_read_only:
    'int rbd_open_read_only(void *ioctx, const char *name, _Out_ void **image, const char *snap_name)',
  rbd_close: 'int rbd_close(void *image)',
  rbd_get_size: 'int rbd_get_size(void *image, _Out_ uint64_t *size)',
  rbd_get_features: 'int rbd_get_features(void *image, _Out_ uint64_t *features)',
  rbd_resize: 'int rbd_resize(void *image, uint64_t size)',
  rbd_metadata_set: 'int rbd_metadata_set(void *image, const char *key, const char *value)',
  rbd_metadata_get:
    'int rbd_metadata_get(void *image, const char *key, _Out_ uint8_t *value, _Inout_ size_t *val_len)',
  rbd_snap_create: 'int rbd_snap_create(void *image, const char *snap_name)',
  rbd_snap_remove: 'int rbd_snap_remove(void *image, const char *snap_name)',
  rbd_snap_exists: 'int rbd_snap_exists(void *image, const char *snap_name, _Out_ bool *exists)',
  rbd_clone:
    'int rbd_clone(void *p_ioctx, const char *p_name, const char *p_snapname, void *c_ioctx, const char *c_name, uint64_t features, _Inout_ int *c_order)',
  rbd_flatten: 'int rbd_flatten(void *image)',
  rbd_get_parent_info2:
    'int rbd_get_parent_info2(void *image, _Out_ uint8_t *pool, size_t pool_len, _Out_ uint8_t *name, size_t name_len, _Out_ uint8_t *id, size_t id_len, _Out_ uint8_t *snap, size_t snap_len)',
  rbd_namespace_create: 'int rbd_namespace_create(void *ioctx, const char *name)',
  rbd_namespace_exists: 'int rbd_namespace_exists(void *ioctx, const char *name, _Out_ bool *exists)',
} as const;

/** A bound C function: callable synchronously, or `.async(...args, callback)` on a worker thread. */
export interface NativeFn {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  (...args: unknown[]): any;
  async: (...args: unknown[]) => void;
}
type Fn = NativeFn;
export type RadosName = keyof typeof RADOS_PROTOS;
export type RbdName = keyof typeof RBD_PROTOS;

interface Bindings {
  readonly rados: Record<RadosName, Fn>;
  readonly rbd: Record<RbdName, Fn>;
  /** `int rbd_stat(rbd_image_t, rbd_image_info_t *, size_t infosize)`: fills an object (rbd_image_info_t). */
  readonly rbdStat: Fn;
  /** sizeof(rbd_image_info_t), the `infosize` rbd_stat checks. */
  readonly rbdImageInfoBytes: number;
  /**
   * `int rbd_flatten_with_progress(rbd_image_t, librbd_progress_fn_t cb, void *cbdata)`; the callback
   * (`int (*)(uint64_t offset, uint64_t total, void *ptr)`) comes from `progressCallback`.
   */
  readonly rbdFlattenWithProgress: Fn;
  /** The callback's pointer type (librbd_progress_fn_t *), for koffi.register. */
  readonly progressFn: TypeSpec;
}

/** What rbd_stat fills (librbd.h's rbd_image_info_t); the deprecated fields are read and ignored. */
export interface RbdImageInfo {
  readonly size: number | bigint;
  readonly obj_size: number | bigint;
  readonly num_objs: number | bigint;
  readonly order: number;
}

/** librbd.h's rbd_image_info_t, anonymous (a named koffi type may be declared only once per process). */
function imageInfoType() {
  return koffi.struct({
    size: 'uint64_t',
    obj_size: 'uint64_t',
    num_objs: 'uint64_t',
    order: 'int',
    block_name_prefix: koffi.array('char', 24, 'Array'),
    parent_pool: 'int64_t',
    parent_name: koffi.array('char', 96, 'Array'),
  });
}

let bindings: Bindings | undefined;

function bind<K extends string>(lib: LibraryHandle, protos: Readonly<Record<K, string>>): Record<K, Fn> {
  const out = {} as Record<K, Fn>;
  for (const [name, proto] of Object.entries(protos) as [K, string][])
    out[name] = lib.func(proto) as unknown as NativeFn;
  return out;
}

/** Loads both libraries once; a missing library is a clear CSI_ERR_LIBRARY, not a crash. */
export function ffi(): Bindings {
  if (bindings) return bindings;
  try {
    const rados = bind(koffi.load('librados.so.2'), RADOS_PROTOS);
    const librbd = koffi.load('librbd.so.1');
    const rbd = bind(librbd, RBD_PROTOS);
    const info = imageInfoType();
    const rbdStat = librbd.func('rbd_stat', 'int', [
      'void *',
      koffi.out(koffi.pointer(info)),
      'size_t',
    ]) as unknown as NativeFn;
    // Anonymous too (see imageInfoType).
    const progressFn = koffi.pointer(koffi.proto('int', ['uint64_t', 'uint64_t', 'void *']));
    const rbdFlattenWithProgress = librbd.func('rbd_flatten_with_progress', 'int', [
      'void *',
      progressFn,
      'void *',
    ]) as unknown as NativeFn;
    bindings = {
      rados,
      rbd,
      rbdStat,
      rbdImageInfoBytes: koffi.sizeof(info),
      rbdFlattenWithProgress,
      progressFn,
    };
    return bindings;
  } catch (cause) {
    throw csiError(
      CSI_ERR.LIBRARY,
      'cannot load librados.so.2/librbd.so.1: install ceph-common and librbd1',
      {
        cause,
      },
    );
  }
}

/** Runs `fn(...args)` on a koffi worker thread; resolves with its return value. */
export function callAsync<T = number>(fn: Fn, ...args: unknown[]): Promise<T> {
  return new Promise((resolve, reject) => {
    fn.async(...args, (err: unknown, result: T) => {
      if (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
        return;
      }
      resolve(result);
    });
  });
}

/** Decodes `len` bytes at a C pointer as UTF-8. */
export function decodeBytes(pointer: unknown, len: number): string {
  if (len === 0) return '';
  return Buffer.from(koffi.view(pointer, len)).toString('utf8');
}

/**
 * A librbd progress callback (librbd_progress_fn_t) calling `fn(offset, total)`, registered until
 * `release` is called (after the C call that uses it returned). librbd calls it from its own threads:
 * koffi queues the call to the JS thread and blocks that librbd thread until `fn` returned, so `fn`
 * must be quick and must never wait for librbd. Its return value goes back to librbd (negative: stop).
 */
export function progressCallback(fn: (offset: bigint | number, total: bigint | number) => number): {
  readonly pointer: unknown;
  release(): void;
} {
  const pointer = koffi.register(
    (offset: bigint | number, total: bigint | number) => fn(offset, total),
    ffi().progressFn,
  );
  return { pointer, release: () => koffi.unregister(pointer) };
}
