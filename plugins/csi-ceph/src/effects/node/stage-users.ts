/**
 * The mounts still using a staged device: a filesystem on it mounted elsewhere than <staging>/fs
 * (publish bind mounts, kubelet's subPath mounts), and binds of its device node (block publishes).
 */
import { realpath, stat } from 'node:fs/promises';
import { deviceNodeBinds, filesystemUsers, majorMinor } from '../../decide/node-unstage.js';
import type { MountEntry } from '../../decide/node-layout.js';
import { mountTable } from './mounts.js';

/** Where the device node at `device` is bound, in `table` (symlinks in its path resolved). */
export async function deviceBinds(table: readonly MountEntry[], device: string): Promise<string[]> {
  return deviceNodeBinds(table, await realpath(device).catch(() => device));
}

/** Mount points other than `fsDir` of a filesystem on `device`, and binds of its node. */
export async function stageUsersOf(device: string, fsDir: string): Promise<string[]> {
  const info = await stat(device, { bigint: true }).catch(() => undefined);
  if (!info?.isBlockDevice()) return [];
  const table = await mountTable();
  return [...filesystemUsers(table, majorMinor(info.rdev), fsDir), ...(await deviceBinds(table, device))];
}
