/**
 * Brings a node's device to the image's grown size before its filesystem grows. The fuse mounter's
 * loop device takes the size rbd-fuse reports for the image file, which the kernel caches (FUSE
 * attributes, 1 s by default): a refresh right after ControllerExpandVolume may still find the old
 * size, and the filesystem then "grew" to it. So the device is refreshed until it shows the size
 * asked for (kubelet sends the PV's new size as `required_bytes`), for a few seconds at most; krbd
 * and rbd-nbd devices grow by themselves and only need the wait.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { CSI_ERR, csiError } from '../../errors.js';
import { deviceBytes } from './filesystem.js';
import type { Mounter } from './mounter.js';

const STEP_MS = 250;
const LIMIT_MS = 5_000;

/** The device's size once it reaches `required` (undefined: one refresh); UNAVAILABLE if it does not. */
export async function refreshToSize(
  mounter: Mounter,
  device: string,
  required: bigint | undefined,
  volumeId: string,
): Promise<bigint> {
  for (let waited = 0; ; waited += STEP_MS) {
    await mounter.refresh(device);
    const bytes = await deviceBytes(device);
    if (required === undefined || bytes >= required) return bytes;
    if (waited >= LIMIT_MS) {
      throw csiError(
        CSI_ERR.DEVICE_NOT_GROWN,
        `volume ${volumeId}: ${device} shows ${bytes} bytes after ${LIMIT_MS / 1000} s, less than the ` +
          `${required} asked for: the image has not grown (ControllerExpandVolume first), or its new ` +
          'size has not reached this node yet: retry',
      );
    }
    await sleep(STEP_MS);
  }
}
