import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CSI_ERR, CsiError } from '../../errors.js';
import { fuseMounter } from './fuse-mounter.js';

const hasRbdFuse = spawnSync('rbd-fuse', ['--version'], { stdio: 'ignore' }).error === undefined;

/** A cephx key as Ceph prints it, and two mistakes that still pass the driver's base64 check. */
const cephxKey = 'AQDyEwVrfIhbMRAA4BxASP8TnJ4GKASeucrRbA==';
const malformedKeys: [string, string][] = [
  // `kubectl create secret --from-literal=userKey=$(ceph auth get-key … | base64)`: decodes to the key.
  ['the key encoded twice', Buffer.from(cephxKey).toString('base64')],
  ['the key cut short', cephxKey.slice(0, -1)],
];

describe.skipIf(!hasRbdFuse)('fuseMounter.attach with a key rbd-fuse cannot decode', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'corral-fuse-mounter-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  // rbd-fuse prints `auth: failed to decode key '<the key file>'` before it tries any monitor.
  it.each(malformedKeys)('given %s, fails without the key in its error', async (_name, userKey) => {
    const attached = fuseMounter.attach({
      monitors: ['127.0.0.1:1'],
      userID: 'csi',
      userKey,
      pool: 'rbd',
      namespace: '',
      image: 'csi-vol-x',
      workDir: join(dir, 'fuse'),
    });
    const err = (await attached.then(
      () => undefined,
      (e: unknown) => e,
    )) as CsiError;
    expect(err).toBeInstanceOf(CsiError);
    expect(err.code).toBe(CSI_ERR.NODE_COMMAND);
    expect(err.message).toContain("failed to decode key '[REDACTED]'");
    expect(err.message).not.toContain(userKey);
    expect(err.message).not.toContain(cephxKey);
  });
});
