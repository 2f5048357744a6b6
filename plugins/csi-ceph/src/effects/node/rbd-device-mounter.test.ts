import { spawnSync } from 'node:child_process';
import { CSI_ERR, CsiError } from '../../errors.js';
import { krbdMounter } from './rbd-device-mounter.js';

/** `rbd device list --device-type krbd` answers (an empty list) even without the rbd kernel module. */
const canListKrbd =
  spawnSync('rbd', ['device', 'list', '--device-type', 'krbd', '--format', 'json'], { stdio: 'ignore' })
    .status === 0;

const cephxKey = 'AQDyEwVrfIhbMRAA4BxASP8TnJ4GKASeucrRbA==';

describe.skipIf(!canListKrbd)('krbdMounter.attach with a key rbd cannot decode', () => {
  // `rbd device map` prints `auth: failed to decode key '<the key file>'` before it tries any monitor
  // (and before the kernel module is needed), so this runs without Ceph and without the module.
  it.each([
    ['the key encoded twice', Buffer.from(cephxKey).toString('base64')],
    ['the key cut short', cephxKey.slice(0, -1)],
  ])('given %s, fails without the key in its error', async (_name, userKey) => {
    const err = (await krbdMounter
      .attach({
        monitors: ['127.0.0.1:1'],
        userID: 'csi',
        userKey,
        pool: 'rbd',
        namespace: '',
        image: 'csi-vol-x',
        workDir: '/nonexistent',
      })
      .then(
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
