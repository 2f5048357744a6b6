import { EventEmitter } from 'node:events';
import { chmod, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openLocalCeph, parseCephEnv } from './local-ceph.js';
import type { SignalProcess } from './signal-guard.js';

describe('parseCephEnv', () => {
  it("given `ceph-local.sh env`'s lines, returns the connection with quotes undone", () => {
    const text = [
      "export CEPH_CONF='/tmp/c/ceph.conf'",
      "export CORRAL_CEPH_CSI_KEYRING='/tmp/c/ceph.client.csi.keyring'",
      "export CORRAL_CEPH_CSI_KEY='QUJD'\\''RA=='",
      "export CORRAL_CEPH_MON='127.0.0.1:13300'",
      "export CORRAL_CEPH_FSID='f-1'",
      "export CORRAL_CEPH_POOL='rbd'",
    ].join('\n');
    expect(parseCephEnv(text)).toEqual({
      mon: '127.0.0.1:13300',
      pool: 'rbd',
      userID: 'csi',
      userKey: "QUJD'RA==",
      keyring: '/tmp/c/ceph.client.csi.keyring',
      fsid: 'f-1',
    });
  });

  it('given output without the mon or the key, returns undefined', () => {
    expect(parseCephEnv("export CORRAL_CEPH_POOL='rbd'\n")).toBeUndefined();
  });
});

describe('openLocalCeph', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('given a machine without Ceph (only bash on PATH), says why the storage part is skipped, starts nothing', async () => {
    const bin = await mkdtemp(join(tmpdir(), 'corral-demo-bin-'));
    const state = await mkdtemp(join(tmpdir(), 'corral-demo-ceph-'));
    dirs.push(bin, state);
    await symlink('/bin/bash', join(bin, 'bash'));
    const progress: string[] = [];
    const env = { PATH: bin, CORRAL_CEPH_DIR: join(state, 'none'), CORRAL_CEPH_MON_PORT: '13399' };
    const local = await openLocalCeph(env, (text) => progress.push(text));
    expect(local).toEqual({
      ok: false,
      reason: expect.stringMatching(
        /Ceph is not installed \(no ceph-mon, ceph-mgr, ceph-osd, rbd-fuse\).*make demo/,
      ),
    });
    expect(progress).toEqual([]);
  });
});

/**
 * A stand-in for scripts/ceph-local.sh that logs each command to `log`: `status` says not running,
 * `start` runs `START` (bash), `stop` and `env` answer at once. Ceph's binaries are stubs on PATH.
 */
async function fakeCeph(start: string) {
  const dir = await mkdtemp(join(tmpdir(), 'corral-demo-fake-ceph-'));
  const script = join(dir, 'ceph-local.sh');
  await writeFile(
    script,
    [
      'echo "$1" >> "$LOG"',
      'case $1 in',
      '  status) exit 1 ;;',
      `  start) ${start} ;;`,
      '  env) echo "export CORRAL_CEPH_MON=\'127.0.0.1:1\'"; echo "export CORRAL_CEPH_CSI_KEY=\'a2V5\'"',
      '       echo "export CORRAL_CEPH_CSI_KEYRING=\'/k\'"; echo "export CORRAL_CEPH_POOL=\'rbd\'" ;;',
      'esac',
    ].join('\n'),
  );
  for (const binary of ['ceph-mon', 'ceph-mgr', 'ceph-osd', 'rbd-fuse']) {
    await writeFile(join(dir, binary), '#!/bin/sh\n');
    await chmod(join(dir, binary), 0o755);
  }
  const log = join(dir, 'log');
  const env = { PATH: `${dir}:/usr/bin:/bin`, LOG: log, DIR: dir };
  const host = new EventEmitter() as EventEmitter & SignalProcess & { kills: string[] };
  Object.assign(host, { pid: 4242, kills: [] });
  host.kill = (_pid: number, signal: NodeJS.Signals) => host.kills.push(signal);
  const commands = async () => (await readFile(log, 'utf8').catch(() => '')).trim().split('\n');
  return { dir, env, host, commands, options: { script, process: host } };
}

describe('openLocalCeph with a stand-in script', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('given a start that succeeds, connects, and stop() stops the cluster it started', async () => {
    const fake = await fakeCeph('exit 0');
    dirs.push(fake.dir);
    const local = await openLocalCeph(fake.env, () => undefined, fake.options);
    expect(local).toMatchObject({ ok: true, startedHere: true, ceph: { mon: '127.0.0.1:1', pool: 'rbd' } });
    if (local.ok) await local.stop();
    expect(await fake.commands()).toEqual(['status', 'start', 'env', 'stop']);
  });

  it('given a start that fails, stops what it started and says why', async () => {
    const fake = await fakeCeph('echo "ceph-local: error: port in use" >&2; exit 1');
    dirs.push(fake.dir);
    const local = await openLocalCeph(fake.env, () => undefined, fake.options);
    expect(local).toEqual({
      ok: false,
      reason: 'scripts/ceph-local.sh start failed: ceph-local: error: port in use',
    });
    expect(await fake.commands()).toEqual(['status', 'start', 'stop']);
  });

  it('given Ctrl-C while Ceph starts, ends the start, stops what it began, then passes SIGINT on', async () => {
    const fake = await fakeCeph('sleep 30 & echo $! > "$DIR/child"; wait; echo finished >> "$LOG"');
    dirs.push(fake.dir);
    const progress: string[] = [];
    const opening = openLocalCeph(fake.env, (text) => progress.push(text), fake.options);
    while ((await readFile(join(fake.dir, 'child'), 'utf8').catch(() => '')) === '') {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    fake.host.emit('SIGINT');
    expect(await opening).toEqual({
      ok: false,
      reason: expect.stringMatching(/^interrupted \(SIGINT\) while the local Ceph was starting/),
    });
    expect(await fake.commands()).toEqual(['status', 'start', 'stop']);
    expect(fake.host.kills).toEqual(['SIGINT']);
    expect(fake.host.listenerCount('SIGINT')).toBe(0);
    expect(progress.at(-1)).toMatch(/^Interrupted: stopping the local Ceph/);
  });
});
