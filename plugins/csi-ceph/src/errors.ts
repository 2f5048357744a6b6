/**
 * The CSI driver's error catalogue (STYLE.md #8). Codes are stable; `grpcStatusFor` is the one place
 * that turns an error into the gRPC status the CSI spec prescribes for the RPC at hand.
 */
import { status } from '@grpc/grpc-js';
import { CorralError, type CorralErrorOptions } from '@corral/runtime';

export const CSI_ERR = {
  /** A required field is missing or a field has a value the driver cannot accept. */
  INVALID_ARGUMENT: 'CSI_ERR_INVALID_ARGUMENT',
  /** The request's capabilities are not supported (e.g. filesystem + multi-node writer). */
  UNSUPPORTED_CAPABILITY: 'CSI_ERR_UNSUPPORTED_CAPABILITY',
  /** `secrets` lack userID/userKey. */
  MISSING_SECRETS: 'CSI_ERR_MISSING_SECRETS',
  /** `clusterID` names no cluster in the cluster config. */
  UNKNOWN_CLUSTER: 'CSI_ERR_UNKNOWN_CLUSTER',
  /** The capacity range cannot be satisfied. */
  CAPACITY_OUT_OF_RANGE: 'CSI_ERR_CAPACITY_OUT_OF_RANGE',
  /** Another operation holds the lock on this name or ID. */
  OPERATION_PENDING: 'CSI_ERR_OPERATION_PENDING',
  /** A volume/snapshot with this name exists and is incompatible with the request. */
  NAME_CONFLICT: 'CSI_ERR_NAME_CONFLICT',
  /** The volume, snapshot or source does not exist. */
  NOT_FOUND: 'CSI_ERR_NOT_FOUND',
  /** The volume is in use or has snapshots/clones that keep it. */
  IN_USE: 'CSI_ERR_IN_USE',
  /** A read-only (*_READER_ONLY) stage found no filesystem on the volume, and must not make one. */
  NO_FILESYSTEM: 'CSI_ERR_NO_FILESYSTEM',
  /** NodePublishVolume asks for another access type or filesystem than the volume was staged with. */
  STAGE_MISMATCH: 'CSI_ERR_STAGE_MISMATCH',
  /**
   * NodePublishVolume names a stage that no longer serves its volume (its rbd-fuse daemon gone, its
   * device detached, its filesystem unmounted, shut down or gone read-only) and the driver cannot
   * repair it; NodeExpandVolume of such a stage (nothing is grown).
   */
  STAGE_BROKEN: 'CSI_ERR_STAGE_BROKEN',
  /** The department's storage quota would be exceeded. */
  QUOTA_EXCEEDED: 'CSI_ERR_QUOTA_EXCEEDED',
  /**
   * The Ceph pool is at its quota (`ceph osd pool set-quota`) or full (an OSD at the full ratio):
   * Ceph holds every write that needs room there, so nothing is made. RESOURCE_EXHAUSTED.
   */
  POOL_FULL: 'CSI_ERR_POOL_FULL',
  /**
   * CreateVolume (or GetCapacity) for a PVC namespace labelled for a department Corral serves no valid
   * Department of (deleted, not created yet, refused): FAILED_PRECONDITION, retried by the provisioner.
   */
  UNKNOWN_DEPARTMENT: 'CSI_ERR_UNKNOWN_DEPARTMENT',
  /**
   * CreateVolume (or GetCapacity) for a PVC namespace the controller's cluster watch has not delivered
   * yet, so its department is unknown: UNAVAILABLE, retried by the provisioner.
   */
  UNKNOWN_NAMESPACE: 'CSI_ERR_UNKNOWN_NAMESPACE',
  /** The pagination token is not one this driver issued. */
  BAD_TOKEN: 'CSI_ERR_BAD_TOKEN',
  /** Ceph cannot be reached (mon down, timeout). */
  CEPH_UNAVAILABLE: 'CSI_ERR_CEPH_UNAVAILABLE',
  /** Ceph refused the credentials. */
  CEPH_AUTH: 'CSI_ERR_CEPH_AUTH',
  /** The credentials are valid but their caps do not cover this pool/namespace. */
  CEPH_FORBIDDEN: 'CSI_ERR_CEPH_FORBIDDEN',
  /** Ceph answered with an error the driver does not expect. */
  CEPH: 'CSI_ERR_CEPH',
  /** A background flatten was stopped by the driver's shutdown (the next start resumes it). */
  FLATTEN_STOPPED: 'CSI_ERR_FLATTEN_STOPPED',
  /**
   * CreateSnapshot of a clone still being flattened gave up waiting (its caller's deadline or cancel):
   * the flatten goes on, the retry waits for it again. ABORTED, which the snapshotter retries.
   */
  CLONE_FLATTENING: 'CSI_ERR_CLONE_FLATTENING',
  /**
   * NodeExpandVolume: the node's device does not show the size asked for (the image was not grown,
   * or its new size has not reached the node yet). UNAVAILABLE: kubelet retries.
   */
  DEVICE_NOT_GROWN: 'CSI_ERR_DEVICE_NOT_GROWN',
  /** A node-side command (rbd-fuse, losetup, mkfs, mount) failed. */
  NODE_COMMAND: 'CSI_ERR_NODE_COMMAND',
  /** The RPC is not served in this role. */
  UNIMPLEMENTED: 'CSI_ERR_UNIMPLEMENTED',
  /** librados/librbd could not be loaded. */
  LIBRARY: 'CSI_ERR_LIBRARY',
  /** A bug: anything not in this catalogue. */
  INTERNAL: 'CSI_ERR_INTERNAL',
} as const;

export type CsiErrorCode = (typeof CSI_ERR)[keyof typeof CSI_ERR];

export class CsiError extends CorralError<CsiErrorCode> {
  constructor(code: CsiErrorCode, message: string, options: CorralErrorOptions = {}) {
    super(code, message, options);
  }
}

export const csiError = (code: CsiErrorCode, message: string, options?: CorralErrorOptions) =>
  new CsiError(code, message, options);

const BY_CODE: Record<CsiErrorCode, status> = {
  CSI_ERR_INVALID_ARGUMENT: status.INVALID_ARGUMENT,
  CSI_ERR_UNSUPPORTED_CAPABILITY: status.INVALID_ARGUMENT,
  CSI_ERR_MISSING_SECRETS: status.INVALID_ARGUMENT,
  CSI_ERR_UNKNOWN_CLUSTER: status.INVALID_ARGUMENT,
  CSI_ERR_CAPACITY_OUT_OF_RANGE: status.OUT_OF_RANGE,
  CSI_ERR_OPERATION_PENDING: status.ABORTED,
  CSI_ERR_NAME_CONFLICT: status.ALREADY_EXISTS,
  CSI_ERR_NOT_FOUND: status.NOT_FOUND,
  CSI_ERR_IN_USE: status.FAILED_PRECONDITION,
  CSI_ERR_NO_FILESYSTEM: status.FAILED_PRECONDITION,
  CSI_ERR_STAGE_MISMATCH: status.FAILED_PRECONDITION,
  CSI_ERR_STAGE_BROKEN: status.FAILED_PRECONDITION,
  CSI_ERR_QUOTA_EXCEEDED: status.RESOURCE_EXHAUSTED,
  CSI_ERR_POOL_FULL: status.RESOURCE_EXHAUSTED,
  CSI_ERR_UNKNOWN_DEPARTMENT: status.FAILED_PRECONDITION,
  CSI_ERR_UNKNOWN_NAMESPACE: status.UNAVAILABLE,
  CSI_ERR_BAD_TOKEN: status.ABORTED,
  CSI_ERR_CEPH_UNAVAILABLE: status.UNAVAILABLE,
  CSI_ERR_CEPH_AUTH: status.UNAUTHENTICATED,
  CSI_ERR_CEPH_FORBIDDEN: status.PERMISSION_DENIED,
  CSI_ERR_CEPH: status.INTERNAL,
  CSI_ERR_FLATTEN_STOPPED: status.UNAVAILABLE,
  CSI_ERR_CLONE_FLATTENING: status.ABORTED,
  CSI_ERR_DEVICE_NOT_GROWN: status.UNAVAILABLE,
  CSI_ERR_NODE_COMMAND: status.INTERNAL,
  CSI_ERR_UNIMPLEMENTED: status.UNIMPLEMENTED,
  CSI_ERR_LIBRARY: status.FAILED_PRECONDITION,
  CSI_ERR_INTERNAL: status.INTERNAL,
};

export interface WireStatus {
  readonly code: status;
  readonly details: string;
}

/**
 * The most a status message may carry, in UTF-8 bytes. grpc-js sends it percent-encoded in the
 * `grpc-message` trailer, and a trailer past the peer's header limit (8 KiB for a grpc-js client)
 * never arrives: the caller saw no answer until its deadline. A message echoing a request's value
 * (a 1 MiB parameter) is cut here, at a character boundary, and ends with "…".
 */
export const MAX_DETAILS_BYTES = 2048;

/** `text` cut to at most MAX_DETAILS_BYTES UTF-8 bytes (then ending with "…"). */
export function boundedDetails(text: string): string {
  if (Buffer.byteLength(text) <= MAX_DETAILS_BYTES) return text;
  const room = MAX_DETAILS_BYTES - Buffer.byteLength('…');
  let out = '';
  let bytes = 0;
  for (const char of text) {
    const size = Buffer.byteLength(char);
    if (bytes + size > room) break;
    out += char;
    bytes += size;
  }
  return `${out}…`;
}

/**
 * The gRPC status for `err` raised while serving `rpc`. The spec's per-RPC differences live here:
 * Probe reports an unhealthy plugin (Ceph unreachable or refusing us) as FAILED_PRECONDITION, where
 * every other RPC says UNAVAILABLE / UNAUTHENTICATED so that the sidecars retry.
 * Anything outside the catalogue is INTERNAL with a generic message (the cause is logged, not sent).
 * The message is bounded (boundedDetails).
 */
export function grpcStatusFor(err: unknown, rpc: string): WireStatus {
  if (!(err instanceof CsiError)) {
    return { code: status.INTERNAL, details: `${CSI_ERR.INTERNAL}: internal error in ${rpc}` };
  }
  let code = BY_CODE[err.code];
  if (rpc === 'Probe' && (err.code === CSI_ERR.CEPH_UNAVAILABLE || err.code === CSI_ERR.CEPH_AUTH)) {
    code = status.FAILED_PRECONDITION;
  }
  return { code, details: boundedDetails(`${err.code}: ${err.message}`) };
}

/** Is `err` a CsiError (optionally with exactly `code`)? */
export function isCsiError(err: unknown, code?: CsiErrorCode): err is CsiError {
  return err instanceof CsiError && (code === undefined || err.code === code);
}
