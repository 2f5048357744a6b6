/**
 * The read-only devices of read-only block publishes of a read-write stage (Mounter.attachReadOnly:
 * for the fuse mounter, a `losetup --read-only` loop device over the stage's image file): which they
 * are (found by backing file), where they are bound, the ones left over, and the record of each such
 * publish (decide/node-layout.ts readOnlyDeviceFile), which tells its unpublish to look for them.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { StageLayout, StageRecord } from '../../decide/node-layout.js';
import type { Mounter } from './mounter.js';
import { isSameDevice } from './mount-identity.js';
import { mountTable } from './mounts.js';
import { deviceBinds } from './stage-users.js';

/** The stage's read-only publish devices, bound or not (none when the mounter makes none). */
export async function readOnlyDevicesOf(
  layout: StageLayout,
  record: StageRecord,
  mounter: Mounter,
): Promise<string[]> {
  return (await mounter.readOnlyDevices?.(layout.fuseDir, record.imageFile)) ?? [];
}

/** Where the stage's read-only publish devices are bound (block publish targets, kubelet's binds). */
export async function readOnlyDeviceBinds(
  layout: StageLayout,
  record: StageRecord,
  mounter: Mounter,
): Promise<string[]> {
  const devices = await readOnlyDevicesOf(layout, record, mounter);
  if (devices.length === 0) return [];
  const table = await mountTable();
  return (await Promise.all(devices.map((device) => deviceBinds(table, device)))).flat();
}

/**
 * Detaches the stage's read-only publish devices bound nowhere: left by a publish cut short between
 * its attach and its bind, or by an unpublish cut short between its unmount and its detach. The
 * caller holds the volume's lock, so that no publish of it is between its attach and its bind.
 */
export async function detachUnboundReadOnlyDevices(
  layout: StageLayout,
  record: StageRecord,
  mounter: Mounter,
): Promise<void> {
  const table = await mountTable();
  for (const device of await readOnlyDevicesOf(layout, record, mounter)) {
    if ((await deviceBinds(table, device)).length > 0) continue;
    await mounter.detachReadOnly?.(layout.fuseDir, record.imageFile, device);
  }
}

/** Is `mounted` (a block publish: its rdev) a node of one of `devices`? */
export async function isOneOfDevices(
  mounted: { rdev?: number },
  devices: readonly string[],
): Promise<boolean> {
  for (const device of devices) if (await isSameDevice(mounted, device)) return true;
  return false;
}

/**
 * Is `mounted` (a block publish: its rdev) a node of the stage's device or of one of its read-only
 * publish devices?
 */
export async function isDeviceOfStage(
  mounted: { rdev?: number },
  layout: StageLayout,
  record: StageRecord,
  mounter: Mounter,
): Promise<boolean> {
  const device = await mounter.device(layout.fuseDir, record.imageFile);
  if (device && (await isSameDevice(mounted, device))) return true;
  return isOneOfDevices(mounted, await readOnlyDevicesOf(layout, record, mounter));
}

/** Records a read-only block publish at `target` (before its device is attached). */
export async function recordReadOnlyPublish(file: string, target: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  await writeFile(file, target, { mode: 0o600 });
}

/** Is a read-only block publish at `target` recorded (its device maybe still attached)? */
export async function isReadOnlyPublishRecorded(file: string, target: string): Promise<boolean> {
  return (await readFile(file, 'utf8').catch(() => undefined)) === target;
}

/** Removes the record (after its device was detached). */
export async function removeReadOnlyPublish(file: string): Promise<void> {
  await rm(file, { force: true });
}
