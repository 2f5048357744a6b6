/** The loop devices backed by a file, read from sysfs (see decide/loop-backing.ts for why). */
import { readdir, readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseBackingFile } from '../../decide/loop-backing.js';
import { runOk } from './run.js';

export interface LoopDevice {
  readonly device: string;
  /** Its backing file is gone (the rbd-fuse mount behind it died or was unmounted). */
  readonly deleted: boolean;
  /** Attached read-only (sysfs `ro`: `losetup --read-only`). */
  readonly readOnly: boolean;
}

/** The loop devices whose backing file is `file` (gone or not), in device order. */
export async function loopDevicesOf(file: string): Promise<LoopDevice[]> {
  const names = (await readdir('/sys/block').catch(() => [])).filter((name) => name.startsWith('loop'));
  const found: LoopDevice[] = [];
  for (const name of names.sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))) {
    const text = await readFile(`/sys/block/${name}/loop/backing_file`, 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    const backing = parseBackingFile(text);
    if (backing.path !== file) continue;
    const ro = await readFile(`/sys/block/${name}/ro`, 'utf8').catch(() => '0');
    found.push({ device: `/dev/${name}`, deleted: backing.deleted, readOnly: ro.trim() === '1' });
  }
  return found;
}

/**
 * Detaches `device` when it is a loop device still backed by a file named `fileName` (a stage's image
 * file): the one a staged filesystem was mounted from after its rbd-fuse mount was unmounted lazily,
 * whose backing file sysfs then shows under another path. Anything else (a device that is no loop,
 * a loop detached already or backed by another file) is left alone.
 */
export async function detachLoopBackedBy(device: string, fileName: string): Promise<void> {
  const name = basename(device);
  if (device !== `/dev/${name}` || !name.startsWith('loop')) return;
  const text = await readFile(`/sys/block/${name}/loop/backing_file`, 'utf8').catch(() => undefined);
  if (text === undefined || !parseBackingFile(text).path.endsWith(`/${fileName}`)) return;
  await runOk('losetup', ['-d', device]);
}
