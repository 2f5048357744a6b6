// The driver is killed (SIGKILL) while CreateVolume runs, restarted, and the same call retried:
// exactly one image per request name, and no image the journal does not know.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { credentials } from '@grpc/grpc-js';
import { loadCsi } from '../../../plugins/csi-ceph/src/transport/load-csi.js';
import { cephCli, startCeph, type CephEnv } from '../../support/ceph.js';
import { call, CLUSTER_ID, MOUNT_RWO } from '../../integration/csi/harness.js';

const RUNNER = new URL('./run-csi.ts', import.meta.url).pathname;
let ceph: CephEnv;
let dir: string;
let child: ChildProcess | undefined;
const prefix = `kill${process.pid % 10000}-`;

beforeAll(async () => {
  ceph = await startCeph();
  dir = await mkdtemp(join(tmpdir(), 'corral-csi-kill-'));
  await writeFile(join(dir, 'c.json'), JSON.stringify([{ clusterID: CLUSTER_ID, monitors: [ceph.mon] }]));
});

afterAll(async () => {
  child?.kill('SIGKILL');
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function startChild(socket: string): Promise<ChildProcess> {
  // A killed driver leaves its socket file behind; wait for the new one.
  await rm(socket, { force: true });
  const args = ['--import', 'tsx', RUNNER, '--role', 'controller', '--endpoint', `unix://${socket}`];
  args.push('--cluster-config', join(dir, 'c.json'), '--listen', '127.0.0.1:0', '--log-level', 'warn');
  const proc = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  await vi.waitFor(() => expect(existsSync(socket)).toBe(true), { timeout: 30_000, interval: 50 });
  // The socket file appears at bind(), a moment before listen(): wait until calls are answered.
  const identity = new (loadCsi().csi.v1.Identity)(`unix://${socket}`, credentials.createInsecure());
  await vi.waitFor(() => call(identity, 'GetPluginInfo', {}), { timeout: 30_000, interval: 50 });
  identity.close();
  return proc;
}

/** Signals the child and resolves once it has exited (listening before the signal: no lost event). */
function stop(proc: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  proc.kill(signal);
  return exited;
}

function client(socket: string) {
  return new (loadCsi().csi.v1.Controller)(`unix://${socket}`, credentials.createInsecure());
}

const request = (name: string) => ({
  name,
  capacity_range: { required_bytes: 4 * 1024 * 1024 },
  volume_capabilities: [MOUNT_RWO],
  parameters: { clusterID: CLUSTER_ID, pool: ceph.pool, volumeNamePrefix: prefix },
  secrets: { userID: 'csi', userKey: ceph.csiKey },
});

describe('kill -9 during CreateVolume', () => {
  it('given kills at several moments and retries, leaves exactly one image per name', async () => {
    const socket = join(dir, 'csi.sock');
    const names: string[] = [];
    for (const delayMs of [0, 5, 10, 15, 20, 25, 30, 40]) {
      const name = `killed-${delayMs}-${Date.now()}`;
      names.push(name);
      child = await startChild(socket);
      const first = client(socket);
      const pending = call(first, 'CreateVolume', request(name)).catch(() => undefined);
      await new Promise((r) => setTimeout(r, delayMs));
      await stop(child, 'SIGKILL');
      await pending;
      first.close();
      child = await startChild(socket);
      const retry = client(socket);
      const res = await call(retry, 'CreateVolume', request(name));
      expect(res.volume?.volume_context?.['imageName']).toMatch(new RegExp(`^${prefix}`));
      retry.close();
      await stop(child, 'SIGTERM');
      child = undefined;
    }
    const images = (await cephCli(ceph, ['rbd', 'ls', '--pool', ceph.pool])).stdout
      .split('\n')
      .filter((n) => n.startsWith(prefix));
    expect(images).toHaveLength(names.length);
  }, 180_000);
});
