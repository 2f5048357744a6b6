import type { AttachProbe } from '../../decide/volume-condition.js';

/**
 * How a node turns an RBD image into a block device. `fuse` (rbd-fuse + a loop device) is what works
 * without the rbd/nbd kernel modules and is tested here; `krbd` and `rbd-nbd` would implement the same
 * interface (not written yet: they cannot be tested on these machines).
 */
export interface AttachRequest {
  readonly monitors: readonly string[];
  readonly userID: string;
  readonly userKey: string;
  readonly pool: string;
  readonly namespace: string;
  readonly image: string;
  /** A directory the mounter may use (under the staging path). */
  readonly workDir: string;
  /** Attach read-only (reader-only access modes): nothing written through the device. */
  readonly readOnly?: boolean;
}

export interface Mounter {
  readonly name: string;
  /** Makes the image a block device (idempotent) and returns the device path. */
  attach(request: AttachRequest): Promise<string>;
  /** The device currently attached for the image, if any. */
  device(workDir: string, image: string): Promise<string | undefined>;
  /**
   * What NodeGetVolumeStats reports of the attachment: the device, none, or what broke behind it.
   * Cheap (mount table, sysfs, no read of the image): it runs on every stats call.
   */
  probe(workDir: string, image: string): Promise<AttachProbe>;
  /** Makes the device pick up a grown image. */
  refresh(device: string): Promise<void>;
  /** Releases the device and anything behind it (idempotent). */
  detach(workDir: string, image: string): Promise<void>;
  /**
   * Attaches one more device over the attached image, read-only, and returns it: what a read-only
   * block publish of a read-write stage binds (a read-only bind of the stage's own device node does
   * not stop writes through it). Absent when the mounter has no such device (krbd, rbd-nbd: their
   * read-only block publishes bind the stage's device read-only).
   */
  attachReadOnly?(workDir: string, image: string): Promise<string>;
  /** The devices attachReadOnly attached over the image and not detached yet (bound or not). */
  readOnlyDevices?(workDir: string, image: string): Promise<string[]>;
  /** Detaches `device` when it is one of readOnlyDevices (else nothing). */
  detachReadOnly?(workDir: string, image: string, device: string): Promise<void>;
}
