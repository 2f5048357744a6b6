/**
 * The krbd and rbd-nbd mounters: `rbd device map --device-type krbd|nbd`, the production path on
 * nodes with the rbd (or nbd) kernel module. NOT exercised by the tests here: these machines have
 * neither module (`rbd map` fails with "Module rbd not found"); the fuse mounter is the tested one.
 * The key reaches `rbd` through a private temporary key file, as for rbd-fuse, and is kept out of the
 * error when `rbd` echoes it (a key it cannot decode).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deviceOf, parseDeviceList } from '../../decide/rbd-device-list.js';
import type { AttachRequest, Mounter } from './mounter.js';
import { runOk } from './run.js';

type DeviceType = 'krbd' | 'nbd';

async function mapped(type: DeviceType, image: string): Promise<string | undefined> {
  const out = await runOk('rbd', ['device', 'list', '--device-type', type, '--format', 'json']);
  return deviceOf(parseDeviceList(out), image);
}

async function map(type: DeviceType, request: AttachRequest): Promise<string> {
  const keyDir = await mkdtemp(join(tmpdir(), 'corral-csi-key-'));
  const keyFile = join(keyDir, 'key');
  try {
    await writeFile(keyFile, request.userKey, { mode: 0o600 });
    const spec = [request.pool, ...(request.namespace ? [request.namespace] : []), request.image].join('/');
    const args = [
      'device',
      'map',
      '--device-type',
      type,
      '-c',
      '/dev/null',
      '-m',
      request.monitors.join(','),
    ];
    if (request.readOnly === true) args.push('--read-only');
    args.push('--id', request.userID, '--keyfile', keyFile, spec);
    return (await runOk('rbd', args, 120_000, [request.userKey])).trim();
  } finally {
    await rm(keyDir, { recursive: true, force: true });
  }
}

function rbdDeviceMounter(type: DeviceType): Mounter {
  return {
    name: type === 'krbd' ? 'krbd' : 'rbd-nbd',
    async attach(request) {
      return (await mapped(type, request.image)) ?? map(type, request);
    },
    device: (_workDir, image) => mapped(type, image),
    async probe(_workDir, image) {
      const device = await mapped(type, image);
      return device ? { state: 'attached', device } : { state: 'detached' };
    },
    // krbd and nbd pick up a resized image by themselves.
    refresh: async () => undefined,
    async detach(_workDir, image) {
      if (image === '') return;
      const device = await mapped(type, image);
      if (device) await runOk('rbd', ['device', 'unmap', '--device-type', type, device]);
    },
  };
}

export const krbdMounter = rbdDeviceMounter('krbd');
export const nbdMounter = rbdDeviceMounter('nbd');
