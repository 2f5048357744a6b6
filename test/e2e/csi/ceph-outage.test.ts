// Ceph unreachable mid-run, on a SEPARATE one-node cluster (own state dir and mon port) whose daemons
// are frozen (SIGSTOP) and thawed (SIGCONT): calls answer UNAVAILABLE while it is away and recover by
// themselves once it is back, with the same credentials. Probe, which answered once, stays ready: the
// livenessprobe sidecar must not restart the controller for an outage a restart cannot fix.
import { status } from '@grpc/grpc-js';
import { cephDaemons, purgeCeph, startCeph, type CephEnv } from '../../support/ceph.js';
import {
  call,
  codeOf,
  CLUSTER_ID,
  MOUNT_RWO,
  startHarness,
  type Harness,
} from '../../integration/csi/harness.js';

const dir = `/tmp/corral-ceph-csi-outage-${process.pid}`;
const options = { dir, monPort: 13000 + (process.pid % 250) * 2 + 500 };
let ceph: CephEnv;
let h: Harness;
const pids: number[] = [];

beforeAll(async () => {
  ceph = await startCeph(options);
  h = await startHarness({ ceph, cephTimeoutSeconds: 2 });
}, 180_000);

afterAll(async () => {
  for (const pid of pids) process.kill(pid, 'SIGCONT');
  await h?.stop();
  await purgeCeph(options);
}, 180_000);

const create = (name: string) =>
  call(h.controller, 'CreateVolume', {
    name,
    capacity_range: { required_bytes: 4 * 1024 * 1024 },
    volume_capabilities: [MOUNT_RWO],
    parameters: { clusterID: CLUSTER_ID, pool: ceph.pool },
    secrets: h.secrets,
  });

describe('Ceph outage', () => {
  it('given frozen daemons, fails UNAVAILABLE (Probe still ready), then recovers when they are back', async () => {
    expect((await call(h.identity, 'Probe', {})).ready?.value).toBe(true);
    await create(`before-${Date.now()}`);

    for (const daemon of await cephDaemons(dir)) {
      process.kill(daemon.pid, 'SIGSTOP');
      pids.push(daemon.pid);
    }
    expect((await call(h.identity, 'Probe', {})).ready?.value).toBe(true);
    expect(await codeOf(create(`during-${Date.now()}`))).toBe(status.UNAVAILABLE);

    for (const pid of pids.splice(0)) process.kill(pid, 'SIGCONT');
    const name = `after-${Date.now()}`;
    const res = await vi.waitFor(() => create(name), { timeout: 60_000, interval: 1_000 });
    expect(res.volume?.volume_id).toBeTruthy();
  }, 150_000);
});
