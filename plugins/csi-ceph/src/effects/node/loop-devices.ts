/** The loop devices backed by a file, read from sysfs (see decide/loop-backing.ts for why). */
import { readdir, readFile } from 'node:fs/promises';
import { parseBackingFile } from '../../decide/loop-backing.js';

export interface LoopDevice {
  readonly device: string;
  /** Its backing file is gone (the rbd-fuse mount behind it died or was unmounted). */
  readonly deleted: boolean;
}

/** The loop devices whose backing file is `file` (gone or not), in device order. */
export async function loopDevicesOf(file: string): Promise<LoopDevice[]> {
  const names = (await readdir('/sys/block').catch(() => [])).filter((name) => name.startsWith('loop'));
  const found: LoopDevice[] = [];
  for (const name of names.sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))) {
    const text = await readFile(`/sys/block/${name}/loop/backing_file`, 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    const backing = parseBackingFile(text);
    if (backing.path === file) found.push({ device: `/dev/${name}`, deleted: backing.deleted });
  }
  return found;
}
