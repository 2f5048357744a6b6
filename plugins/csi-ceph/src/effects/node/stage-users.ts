/** The mounts still using a staged device: a filesystem on it mounted elsewhere than <staging>/fs. */
import { stat } from 'node:fs/promises';
import { filesystemUsers, majorMinor } from '../../decide/node-unstage.js';
import { mountTable } from './mounts.js';

/** Mount points other than `fsDir` of a filesystem on `device`. */
export async function filesystemsOnDevice(device: string, fsDir: string): Promise<string[]> {
  const info = await stat(device, { bigint: true }).catch(() => undefined);
  if (!info?.isBlockDevice()) return [];
  return filesystemUsers(await mountTable(), majorMinor(info.rdev), fsDir);
}
