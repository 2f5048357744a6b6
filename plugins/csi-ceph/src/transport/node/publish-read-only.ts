/**
 * A read-only block publish of a read-write stage binds a read-only device of its own (for the fuse
 * mounter a `losetup --read-only` loop device over the stage's image file), never the stage's device:
 * a read-only bind of a device node stops no write through it (the kernel checks a mount's read-only
 * flag for files, not for device nodes), a read-only device refuses every write (EPERM). The publish
 * is recorded under the staging path before its device is attached (decide/node-layout.ts
 * readOnlyDeviceFile), and every step runs under the volume's lock: a device of the stage's that is
 * bound nowhere is then a leftover of a publish or unpublish cut short, detached by the next publish
 * or unpublish (found by its backing file, as the stage's own device is).
 */
import { stageLayout, readOnlyDeviceFile, type StageRecord } from '../../decide/node-layout.js';
import { CSI_ERR, csiError } from '../../errors.js';
import type { Mounter } from '../../effects/node/mounter.js';
import { isMounted } from '../../effects/node/mounts.js';
import {
  detachUnboundReadOnlyDevices,
  isReadOnlyPublishRecorded,
  recordReadOnlyPublish,
  removeReadOnlyPublish,
} from '../../effects/node/read-only-devices.js';
import { stagingsOnNode } from '../../effects/node/staged-volumes.js';
import type { NodeDeps } from './node-deps.js';

/** Does a publish bind a read-only device of its own (a read-only block publish of a read-write stage)? */
export function wantsOwnDevice(
  kind: 'mount' | 'block',
  readOnly: boolean,
  record: StageRecord,
  mounter: Mounter,
): boolean {
  return kind === 'block' && readOnly && record.readOnly !== true && mounter.attachReadOnly !== undefined;
}

/**
 * Binds a read-only device of its own at `target` (prepared: an empty file), with `bind`; the caller
 * holds the volume's lock. The publish is recorded first, the stage's unbound read-only devices (left
 * over) detached, then one attached and bound. A bind that fails before anything is mounted at the
 * target takes its device and record away again; a bind that mounted (its read-only remount failed)
 * is left for the retry to finish.
 */
export async function bindOwnDevice(
  staging: string,
  record: StageRecord,
  target: string,
  deps: NodeDeps,
  bind: (device: string) => Promise<void>,
): Promise<void> {
  const layout = stageLayout(staging);
  const file = readOnlyDeviceFile(staging, target);
  const attach = deps.mounter.attachReadOnly;
  if (!attach) throw csiError(CSI_ERR.NODE_COMMAND, `mounter ${deps.mounter.name} has no read-only device`);
  await recordReadOnlyPublish(file, target);
  await detachUnboundReadOnlyDevices(layout, record, deps.mounter);
  const device = await attach(layout.fuseDir, record.imageFile);
  try {
    await bind(device);
  } catch (err) {
    if (!(await isMounted(target))) {
      await deps.mounter.detachReadOnly?.(layout.fuseDir, record.imageFile, device).catch(() => undefined);
      await removeReadOnlyPublish(file);
    }
    throw err;
  }
}

/**
 * NodeUnpublishVolume's last step, once nothing is mounted at `target`: the read-only device of a
 * read-only block publish recorded there is detached (with any other of the stage's bound nowhere),
 * then its record removed. Nothing to do (and no lock taken) when no stage of the volume on this node
 * records one at `target`.
 */
export async function releaseOwnDevice(volumeId: string, target: string, deps: NodeDeps): Promise<void> {
  for (const { path, record } of await stagingsOnNode()) {
    if (record.volumeId !== volumeId) continue;
    const file = readOnlyDeviceFile(path, target);
    if (!(await isReadOnlyPublishRecorded(file, target))) continue;
    await deps.locks.with([`volume/${volumeId}`], async () => {
      await detachUnboundReadOnlyDevices(stageLayout(path), record, deps.mounter);
      await removeReadOnlyPublish(file);
    });
  }
}
