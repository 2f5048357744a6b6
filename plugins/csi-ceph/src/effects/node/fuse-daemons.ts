/**
 * The rbd-fuse daemons serving a directory. After its mount is gone a daemon still closes the image and
 * its Ceph session, for a moment; until it has exited the image stays open (a watcher), and a
 * DeleteVolume or another node's stage right after an unstage would meet it. So a detach waits for it.
 */
import { readdir, readFile } from 'node:fs/promises';
import { argvOf, servesDirectory } from '../../decide/fuse-daemon.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The pids of the rbd-fuse daemons whose mount point is `dir` (from /proc). */
export async function fuseDaemonsOf(dir: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (servesDirectory(argvOf(cmdline), dir)) pids.push(Number(entry));
  }
  return pids;
}

/**
 * Waits until no rbd-fuse daemon serves `dir` (its mount must be gone already). One still there after
 * `graceMs` is killed (SIGKILL: it serves no mount any more), then waited for a little longer.
 */
export async function awaitFuseExit(dir: string, graceMs = 5000, pollMs = 25): Promise<void> {
  const deadline = Date.now() + graceMs;
  let pids = await fuseDaemonsOf(dir);
  while (pids.length > 0 && Date.now() < deadline) {
    await sleep(pollMs);
    pids = await fuseDaemonsOf(dir);
  }
  if (pids.length === 0) return;
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
  for (let i = 0; i < 40 && (await fuseDaemonsOf(dir)).length > 0; i++) await sleep(pollMs);
}
