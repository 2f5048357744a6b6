import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openLocalCeph, parseCephEnv } from './local-ceph.js';

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
