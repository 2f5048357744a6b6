/**
 * The fuse mounter: `rbd-fuse` mounts ONE image (a pool-wide mount would keep every image open and
 * block `rbd rm`) as a file under workDir, and `losetup` turns that file into a loop device. The cephx
 * key reaches rbd-fuse through a private temporary key file (0600 in a 0700 dir), removed as soon as
 * rbd-fuse has connected; it is never on the command line, and never in an error (Ceph's tools echo a
 * key they cannot decode: runOk removes it from the stderr it quotes).
 */
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { publishLoopsOf, stageLoopOf } from '../../decide/loop-backing.js';
import type { AttachProbe } from '../../decide/volume-condition.js';
import { CSI_ERR, csiError } from '../../errors.js';
import { awaitFuseExit } from './fuse-daemons.js';
import { loopDevicesOf } from './loop-devices.js';
import type { AttachRequest, Mounter } from './mounter.js';
import { isMounted, unmountAll } from './mounts.js';
import { runOk } from './run.js';

/**
 * Every loop device of the image file, the stage's and its read-only publishes' (found even when the
 * rbd-fuse daemon behind it is gone).
 */
async function loopsOf(file: string): Promise<string[]> {
  return (await loopDevicesOf(file)).map((loop) => loop.device);
}

/** The stage's own loop device of the image file (decide/loop-backing.ts stageLoopOf). */
async function stageLoop(file: string) {
  return stageLoopOf(await loopDevicesOf(file));
}

/** The read-only loop devices of read-only block publishes over the image file. */
async function publishLoops(file: string): Promise<string[]> {
  return publishLoopsOf(await loopDevicesOf(file)).map((loop) => loop.device);
}

/** `losetup --find --show` of `file` (read-only when asked): the new loop device. */
async function attachLoop(file: string, readOnly: boolean): Promise<string> {
  const flags = readOnly ? ['--read-only'] : [];
  const device = (await runOk('losetup', [...flags, '--find', '--show', file])).trim();
  if (!device.startsWith('/dev/')) throw csiError(CSI_ERR.NODE_COMMAND, `losetup gave no device for ${file}`);
  return device;
}

/**
 * The attachment behind a stage. A stat of the rbd-fuse mount's root is answered by the daemon
 * without asking Ceph; once the daemon is gone it fails (ENOTCONN) while the mount stays listed.
 */
async function probe(workDir: string, image: string): Promise<AttachProbe> {
  const loop = await stageLoop(join(workDir, image));
  if (!(await isMounted(workDir))) {
    return loop
      ? { state: 'broken', reason: `the rbd-fuse mount at ${workDir} is gone` }
      : { state: 'detached' };
  }
  const failure = await stat(workDir).then(
    () => undefined,
    (err: NodeJS.ErrnoException) => err.code ?? err.message,
  );
  if (failure) {
    return {
      state: 'broken',
      reason:
        `the rbd-fuse daemon serving ${workDir} is gone (${failure}: it was killed, or the plugin ` +
        'container restarted)',
    };
  }
  if (!loop) return { state: 'detached' };
  if (loop.deleted) return { state: 'broken', reason: `the image file behind ${loop.device} is gone` };
  return { state: 'attached', device: loop.device };
}

async function startFuse(request: AttachRequest): Promise<void> {
  const keyDir = await mkdtemp(join(tmpdir(), 'corral-csi-key-'));
  const keyFile = join(keyDir, 'key');
  try {
    await writeFile(keyFile, request.userKey, { mode: 0o600 });
    const args = [
      ...['-c', '/dev/null', '-m', request.monitors.join(','), '--id', request.userID, '--keyfile', keyFile],
      ...['-p', request.pool, ...(request.namespace ? ['-s', request.namespace] : []), '-r', request.image],
      request.workDir,
    ];
    // rbd-fuse echoes a key it cannot decode on stderr: keep it out of the error (and so of Events).
    await runOk('rbd-fuse', args, 60_000, [request.userKey]);
  } finally {
    await rm(keyDir, { recursive: true, force: true });
  }
}

/** rbd-fuse mounts even when the image does not exist: it just shows no file for it. */
async function requireImageFile(file: string, request: AttachRequest): Promise<void> {
  if (await stat(file).catch(() => undefined)) return;
  const where = [request.pool, ...(request.namespace ? [request.namespace] : [])].join('/');
  throw csiError(
    CSI_ERR.NOT_FOUND,
    `image ${request.image} does not exist in ${where} (rbd-fuse shows no file for it): the volume was deleted, ` +
      'or this node user cannot open it',
  );
}

export const fuseMounter: Mounter = {
  name: 'fuse',

  async attach(request) {
    await mkdir(request.workDir, { recursive: true });
    if (!(await isMounted(request.workDir))) await startFuse(request);
    const file = join(request.workDir, request.image);
    await requireImageFile(file, request);
    const readOnly = request.readOnly === true;
    // A read-write stage's device is read-write: a read-only publish's device is never taken for it.
    const loops = await loopDevicesOf(file);
    const existing = readOnly ? stageLoopOf(loops) : loops.find((loop) => !loop.readOnly);
    return existing?.device ?? attachLoop(file, readOnly);
  },

  async device(workDir, image) {
    if (!(await isMounted(workDir))) return undefined;
    return (await stageLoop(join(workDir, image)))?.device;
  },

  probe,

  async refresh(device) {
    // `losetup -c` takes the size the kernel holds for the image file, which a stat fetches again
    // from rbd-fuse once the cached attributes expired (without it the old size stays).
    const backing = await readFile(`/sys/block/${basename(device)}/loop/backing_file`, 'utf8').catch(
      () => '',
    );
    if (backing.trim() !== '') await stat(backing.trim()).catch(() => undefined);
    await runOk('losetup', ['-c', device]);
  },

  async detach(workDir, image) {
    if (await isMounted(workDir)) {
      for (const device of await loopsOf(join(workDir, image))) await runOk('losetup', ['-d', device]);
    }
    await unmountAll(workDir);
    // The daemon closes the image after its mount is gone: the image is free only once it has exited.
    await awaitFuseExit(workDir);
  },

  // The publish found the stage attached first: its image file is there.
  attachReadOnly: (workDir, image) => attachLoop(join(workDir, image), true),

  readOnlyDevices: (workDir, image) => publishLoops(join(workDir, image)),

  async detachReadOnly(workDir, image, device) {
    if ((await publishLoops(join(workDir, image))).includes(device)) await runOk('losetup', ['-d', device]);
  },
};
