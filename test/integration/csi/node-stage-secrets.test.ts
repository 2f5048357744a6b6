// A NodeStageVolume whose userKey is base64 but no cephx key (encoded twice: the common
// `--from-literal=userKey=$(ceph auth get-key … | base64)` mistake; or cut short) on real Ceph
// (fuse mounter): rbd-fuse echoes the key file on stderr, and neither the status message (which
// kubelet copies into the pod's FailedMount Event) nor the driver's log may carry it.
import { join } from 'node:path';
import { status, type ServiceError } from '@grpc/grpc-js';
import { call } from './harness.js';
import { nodeSuite, RWO } from './node-calls.js';

const suite = nodeSuite('node-stage-secrets');

describe('node service: a userKey rbd-fuse cannot decode', () => {
  it.each([
    ['the key encoded twice', (key: string) => Buffer.from(key).toString('base64')],
    ['the key cut short', (key: string) => key.slice(0, -1)],
  ])('given %s, the stage fails and neither its message nor the log holds the key', async (what, spoil) => {
    const volume = await suite.newVolume(`bad-key-${what.length}`);
    const realKey = suite.node.secrets['userKey']!;
    const userKey = spoil(realKey);
    const before = suite.node.logs.lines.length;
    const err = (await call(suite.node.node, 'NodeStageVolume', {
      volume_id: volume.volume_id,
      staging_target_path: join(suite.work, `bad-key-${what.length}`),
      volume_capability: RWO,
      secrets: { userID: 'csi', userKey },
      volume_context: volume.volume_context,
    }).then(
      () => undefined,
      (e: unknown) => e,
    )) as ServiceError;

    expect(err.code).toBe(status.INTERNAL);
    expect(err.details).toContain('CSI_ERR_NODE_COMMAND');
    expect(err.details).toContain("failed to decode key '[REDACTED]'");
    const logged = suite.node.logs.lines.slice(before).map((line) => JSON.stringify(line));
    expect(logged.join('\n')).toContain('CSI call failed');
    for (const text of [err.details, err.message, ...logged]) {
      expect(text).not.toContain(userKey);
      expect(text).not.toContain(realKey);
    }
  });
});
