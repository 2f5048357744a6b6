// scripts/ceph-local.sh against real Ceph daemons: a one-node cluster on 127.0.0.1 in a state dir and
// on a mon port of this test's own, so that a developer's cluster (/tmp/corral-ceph, 13300) is never
// touched. The cases run in order over one cluster's life: start, use, start again, stop, restart.
import { chmod, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CephEnv, CephOptions, CliResult } from '../support/ceph.js';
import {
  cephCli,
  cephDaemons,
  listeningSockets,
  purgeCeph,
  readCephEnv,
  runCephLocal,
  runCommand,
  startCeph,
} from '../support/ceph.js';

const dir = `/tmp/corral-ceph-test-${process.pid}`;

/** A free port in 13400-13899, chosen from the pid so that parallel runs rarely collide. */
async function freePort(): Promise<number> {
  for (let i = 0; i < 500; i++) {
    const port = 13400 + ((process.pid + i) % 500);
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error('no free port in 13400-13899');
}

interface CephStatus {
  fsid: string;
  health: { status: string; checks: Record<string, unknown> };
  osdmap: { num_osds: number; num_up_osds: number; num_in_osds: number };
  pgmap: { num_pgs: number; pgs_by_state: { state_name: string; count: number }[] };
  mgrmap: { available: boolean };
}

async function cephStatus(env: CephEnv): Promise<CephStatus> {
  const result = await cephCli(env, ['ceph', 'status', '--format', 'json']);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as CephStatus;
}

function expectOk(result: CliResult): void {
  expect(result.code, `stderr: ${result.stderr}`).toBe(0);
}

describe('scripts/ceph-local.sh', () => {
  let options: CephOptions;
  let env: CephEnv;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    options = { dir, monPort: port };
    env = await startCeph(options);
  }, 180_000);

  afterAll(async () => {
    if (options) await purgeCeph(options);
  }, 120_000);

  it('prints an env that points into the state dir', async () => {
    expect(env).toMatchObject({
      conf: `${dir}/ceph.conf`,
      dir,
      adminKeyring: `${dir}/ceph.client.admin.keyring`,
      csiKeyring: `${dir}/ceph.client.csi.keyring`,
      mon: `127.0.0.1:${port}`,
      pool: 'rbd',
    });
    expect(env.fsid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(Buffer.from(env.csiKey, 'base64')).toHaveLength(28);
    expect((await stat(env.csiKeyring)).mode & 0o077).toBe(0);
    expect((await stat(env.adminKeyring)).mode & 0o077).toBe(0);
  });

  it('brings the cluster to ready: HEALTH_OK, every PG active+clean, mgr available, 1 OSD up and in', async () => {
    const status = await cephStatus(env);
    expect(status.fsid).toBe(env.fsid);
    expect(status.health.status).toBe('HEALTH_OK');
    expect(status.mgrmap.available).toBe(true);
    expect(status.osdmap).toMatchObject({ num_osds: 1, num_up_osds: 1, num_in_osds: 1 });
    expect(status.pgmap.num_pgs).toBeGreaterThan(0);
    expect(status.pgmap.pgs_by_state).toEqual([{ state_name: 'active+clean', count: status.pgmap.num_pgs }]);
    const pool = await cephCli(env, ['ceph', 'osd', 'pool', 'get', 'rbd', 'size', '--format', 'json']);
    expectOk(pool);
    expect(JSON.parse(pool.stdout)).toMatchObject({ pool: 'rbd', size: 1 });
  });

  it('binds the mon to 127.0.0.1:<port> only, and every daemon to 127.0.0.1 only', async () => {
    const daemons = await cephDaemons(dir);
    expect(daemons.map((d) => d.program).sort()).toEqual(['ceph-mgr', 'ceph-mon', 'ceph-osd']);
    for (const daemon of daemons) {
      const sockets = await listeningSockets(daemon.pid);
      expect(sockets.length, daemon.program).toBeGreaterThan(0);
      expect(
        sockets.filter((s) => s.address !== '127.0.0.1'),
        daemon.program,
      ).toEqual([]);
      if (daemon.program === 'ceph-mon') expect(sockets).toEqual([{ address: '127.0.0.1', port }]);
    }
  });

  it('lets client.csi create, inspect and remove images, also inside a RADOS namespace', async () => {
    const csi = { user: 'csi' } as const;
    expectOk(await cephCli(env, ['rbd', 'create', '--size', '16', 'rbd/e2e-img'], csi));
    const info = await cephCli(env, ['rbd', 'info', '--format', 'json', 'rbd/e2e-img'], csi);
    expectOk(info);
    expect(JSON.parse(info.stdout)).toMatchObject({ name: 'e2e-img', size: 16 * 1024 * 1024 });
    expectOk(await cephCli(env, ['rbd', 'namespace', 'create', 'rbd/e2e-ns'], csi));
    expectOk(await cephCli(env, ['rbd', 'create', '--size', '16', 'rbd/e2e-ns/img'], csi));
    const inNamespace = await cephCli(env, ['rbd', 'ls', '--format', 'json', 'rbd/e2e-ns'], csi);
    expect(JSON.parse(inNamespace.stdout)).toEqual(['img']);
    expectOk(await cephCli(env, ['rbd', 'rm', '--no-progress', 'rbd/e2e-ns/img'], csi));
    expectOk(await cephCli(env, ['rbd', 'namespace', 'remove', 'rbd/e2e-ns'], csi));
    expectOk(await cephCli(env, ['rbd', 'rm', '--no-progress', 'rbd/e2e-img'], csi));
    const left = await cephCli(env, ['rbd', 'ls', '--format', 'json', 'rbd'], csi);
    expect(JSON.parse(left.stdout)).toEqual([]);
    // The mgr's rbd_support module (flatten, trash remove tasks) answers client.csi too.
    const tasks = await cephCli(env, ['ceph', 'rbd', 'task', 'list', '--format', 'json'], csi);
    expectOk(tasks);
    expect(JSON.parse(tasks.stdout)).toEqual([]);
  });

  it('works with only the mon address and the bare key, as a CSI driver connects', async () => {
    const keyfile = `${dir}/csi.key.test`;
    await writeFile(keyfile, env.csiKey, { mode: 0o600 });
    await chmod(keyfile, 0o600);
    try {
      const asCsi = ['-c', '/dev/null', '-m', env.mon, '--id', 'csi', '--keyfile', keyfile];
      expectOk(await runCommand('rbd', [...asCsi, 'create', '--size', '16', 'rbd/e2e-bare']));
      const list = await runCommand('rbd', [...asCsi, 'ls', '--format', 'json', 'rbd']);
      expect(JSON.parse(list.stdout)).toEqual(['e2e-bare']);
      expectOk(await runCommand('rbd', [...asCsi, 'rm', '--no-progress', 'rbd/e2e-bare']));
    } finally {
      await rm(keyfile, { force: true });
    }
  });

  it('refuses pool creation to client.csi', async () => {
    const result = await cephCli(env, ['ceph', 'osd', 'pool', 'create', 'e2e-forbidden', '8'], {
      user: 'csi',
    });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/EACCES|access denied|permission denied/i);
    const pools = await cephCli(env, ['ceph', 'osd', 'pool', 'ls', '--format', 'json']);
    expect(JSON.parse(pools.stdout)).not.toContain('e2e-forbidden');
  });

  it('reports the running cluster with status (exit 0)', async () => {
    const result = await runCephLocal('status', options);
    expectOk(result);
    expect(result.stdout).toContain(env.fsid);
    expect(result.stdout).toContain('HEALTH_OK');
  });

  it('starts a second time as a fast no-op that keeps the cluster', async () => {
    const began = performance.now();
    const result = await runCephLocal('start', options);
    const seconds = (performance.now() - began) / 1000;
    expectOk(result);
    expect(result.stderr).toMatch(/already running/);
    expect(seconds).toBeLessThan(5);
    expect((await readCephEnv(options)).fsid).toBe(env.fsid);
    expect(result.stdout + result.stderr).not.toContain(env.csiKey);
  }, 30_000);

  it('given a cluster in use that is not HEALTH_OK (a full pool) and has a pool peering, start keeps it', async () => {
    // What tests sharing one cluster do to it while another test calls start.
    const admin = (args: string[]) => cephCli(env, ['ceph', ...args]);
    expectOk(await admin(['osd', 'pool', 'set-quota', env.pool, 'max_objects', '1']));
    expectOk(await admin(['osd', 'pool', 'create', 'start-keeps-it', '8']));
    try {
      await vi.waitFor(async () => expect((await cephStatus(env)).health.status).toBe('HEALTH_WARN'), {
        timeout: 30_000,
        interval: 500,
      });
      expect((await runCephLocal('status', options)).code).toBe(1); // not ready for a fresh start
      const result = await runCephLocal('start', options);
      expectOk(result);
      expect(result.stderr).toMatch(/already running/);
      expect((await readCephEnv(options)).fsid).toBe(env.fsid);
    } finally {
      await admin(['osd', 'pool', 'set-quota', env.pool, 'max_objects', '0']);
      await admin(['osd', 'pool', 'rm', 'start-keeps-it', 'start-keeps-it', '--yes-i-really-really-mean-it']);
    }
  }, 90_000);

  it('stops every daemon of the state dir; status then exits 1 and stop again exits 0', async () => {
    expectOk(await runCephLocal('stop', options));
    expect(await cephDaemons(dir)).toEqual([]);
    expect((await runCephLocal('status', options)).code).toBe(1);
    expectOk(await runCephLocal('stop', options));
    expect(await cephDaemons(dir)).toEqual([]);
  }, 90_000);

  it('starts after a stop with a fresh cluster (memstore keeps nothing) and logs no key', async () => {
    const result = await runCephLocal('start', options);
    expectOk(result);
    expect(result.stderr).toMatch(/ready in \d+\.\d s/);
    const fresh = await readCephEnv(options);
    expect(fresh.fsid).not.toBe(env.fsid);
    expect(fresh.mon).toBe(env.mon);
    expect(result.stdout + result.stderr).not.toContain(fresh.csiKey);
    env = fresh;
    const status = await cephStatus(env);
    expect(status.health.status).toBe('HEALTH_OK');
    expect(status.pgmap.pgs_by_state).toEqual([{ state_name: 'active+clean', count: status.pgmap.num_pgs }]);
    const images = await cephCli(env, ['rbd', 'ls', '--format', 'json', 'rbd'], { user: 'csi' });
    expect(JSON.parse(images.stdout)).toEqual([]);
  }, 180_000);
});
