// What the node suites look at and do on the node itself, outside the driver: mounts and loop devices
// under a work directory, the rbd-fuse daemons serving a stage (killed to break it), and the sweep of
// whatever a failed test left behind.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fuseDaemonsOf } from '../../../plugins/csi-ceph/src/effects/node/fuse-daemons.js';
import { runCommand } from '../../support/ceph.js';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The mount entries (mount point, per-mount options) at or under `dir`, in mount order. */
export async function mountsUnder(dir: string): Promise<{ point: string; options: string[] }[]> {
  const lines = (await readFile('/proc/self/mountinfo', 'utf8')).split('\n');
  return lines
    .map((l) => l.split(' '))
    .map((f) => ({ point: f[4] ?? '', options: (f[5] ?? '').split(',') }))
    .filter((m) => m.point === dir || m.point.startsWith(`${dir}/`));
}

/** Nothing is left at or under `dir`: no mount, no loop device backed by a file there. */
export async function expectNothingUnder(dir: string): Promise<void> {
  expect(await mountsUnder(dir)).toEqual([]);
  expect(await loopsUnder(dir)).toEqual([]);
}

/** Loop devices whose backing file is under `dir` (read from sysfs: works with a dead rbd-fuse). */
export async function loopsUnder(dir: string): Promise<string[]> {
  const loops: string[] = [];
  for (const name of (await readdir('/sys/block')).filter((n) => n.startsWith('loop'))) {
    const backing = await readFile(`/sys/block/${name}/loop/backing_file`, 'utf8').catch(() => '');
    if (backing.startsWith(`${dir}/`)) loops.push(`/dev/${name}`);
  }
  return loops;
}

/**
 * Loop devices whose backing file is named `name`, wherever it is (one left behind by a lazily
 * unmounted rbd-fuse mount shows its backing file as `/<name>`).
 */
export async function loopsBackedBy(name: string): Promise<string[]> {
  const loops: string[] = [];
  for (const loop of (await readdir('/sys/block')).filter((n) => n.startsWith('loop'))) {
    const backing = await readFile(`/sys/block/${loop}/loop/backing_file`, 'utf8').catch(() => '');
    if (backing.replace(/( \(deleted\))?\n$/, '').endsWith(`/${name}`)) loops.push(`/dev/${loop}`);
  }
  return loops;
}

/** rbd-fuse daemons whose mount point is under `dir`. */
export async function daemonsUnder(dir: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of (await readdir('/proc')).filter((e) => /^\d+$/.test(e))) {
    const argv = (await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '')).split('\0');
    if (argv[0]?.endsWith('rbd-fuse') && argv.some((a) => a.startsWith(`${dir}/`))) pids.push(Number(entry));
  }
  return pids;
}

/** Writes `text` to `file` and syncs it to its device, so that it outlives a daemon killed next. */
export async function writeSynced(file: string, text: string): Promise<void> {
  await writeFile(file, text);
  expect((await runCommand('sync', ['-f', file])).code).toBe(0);
}

/** Kills the rbd-fuse daemon serving `staging`, and waits until it is gone. */
export async function killDaemonOf(staging: string): Promise<void> {
  const fuseDir = join(staging, 'fuse');
  const pids = await fuseDaemonsOf(fuseDir);
  expect(pids).toHaveLength(1);
  for (const pid of pids) process.kill(pid, 'SIGKILL');
  for (let i = 0; i < 400 && (await fuseDaemonsOf(fuseDir)).length > 0; i++) await sleep(25);
  expect(await fuseDaemonsOf(fuseDir)).toEqual([]);
}

/**
 * Whatever a failed test left under the work directory: loop devices detached, mounts unmounted
 * (lazily, the deepest first), rbd-fuse daemons killed. A passing test leaves nothing to do.
 */
export async function sweep(dir: string): Promise<void> {
  for (const loop of await loopsUnder(dir)) await runCommand('losetup', ['-d', loop]);
  for (const { point } of (await mountsUnder(dir)).reverse()) await runCommand('umount', ['-l', point]);
  for (const pid of await daemonsUnder(dir)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
}
