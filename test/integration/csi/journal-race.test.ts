// Two controller replicas (two drivers, each with its own librados connection) run CreateVolume and
// CreateSnapshot for the same name at the same moment, as a leader handover of the provisioner or
// snapshotter sidecar allows. The journal's compare-and-set reservation must leave exactly one image
// (or snapshot) per name; the loser answers the same volume or ABORTED, and a retry agrees.
import { status, type ServiceError } from '@grpc/grpc-js';
import { cephCli } from '../../support/ceph.js';
import { call, CLUSTER_ID, MOUNT_RWO, startHarness, type Harness } from './harness.js';

const MIB = 1024 * 1024;
const ROUNDS = 25;
let a: Harness;
let b: Harness;
const prefix = `race${process.pid % 10000}-`;

beforeAll(async () => {
  a = await startHarness();
  b = await startHarness({ ceph: a.ceph });
});

afterAll(async () => {
  await b?.stop();
  await a?.stop();
});

const request = (name: string) => ({
  name,
  capacity_range: { required_bytes: 4 * MIB },
  volume_capabilities: [MOUNT_RWO],
  parameters: { clusterID: CLUSTER_ID, pool: a.ceph.pool, volumeNamePrefix: prefix },
  secrets: a.secrets,
});

type Outcome = { id: string } | { code: number };

async function outcome(promise: Promise<{ id: string | undefined }>): Promise<Outcome> {
  try {
    return { id: (await promise).id ?? '' };
  } catch (err) {
    return { code: (err as ServiceError).code };
  }
}

const createOn = (h: Harness, name: string) =>
  outcome(call(h.controller, 'CreateVolume', request(name)).then((r) => ({ id: r.volume?.volume_id })));

/** Retries through ABORTED (the winner still in flight), as the sidecars do. */
async function settle(run: () => Promise<Outcome>): Promise<Outcome> {
  for (let i = 0; i < 50; i++) {
    const result = await run();
    if (!('code' in result) || result.code !== status.ABORTED) return result;
    await new Promise((r) => setTimeout(r, 50));
  }
  return run();
}

/** Both answers of a race: each the winner's ID or ABORTED, at least one the ID; and the ID. */
function judge(first: Outcome, second: Outcome): string {
  const ids = [first, second].flatMap((o) => ('id' in o ? [o.id] : []));
  const codes = [first, second].flatMap((o) => ('code' in o ? [o.code] : []));
  expect(ids.length).toBeGreaterThanOrEqual(1);
  expect(new Set(ids).size).toBe(1);
  for (const code of codes) expect(code).toBe(status.ABORTED);
  return ids[0] ?? '';
}

const ourImages = async () =>
  (await cephCli(a.ceph, ['rbd', 'ls', '--pool', a.ceph.pool])).stdout
    .split('\n')
    .filter((n) => n.startsWith(prefix));

describe('two replicas racing one name', () => {
  it(`given ${ROUNDS} names each created on both replicas at once, makes one image per name`, async () => {
    const before = await ourImages();
    const names = Array.from({ length: ROUNDS }, (_, i) => `pvc-race-${i}-${Date.now()}`);
    const ids = new Map<string, string>();
    for (const name of names) {
      const [first, second] = await Promise.all([createOn(a, name), createOn(b, name)]);
      ids.set(name, judge(first, second));
    }
    // The retry, on either replica, returns the same volume.
    for (const name of names) {
      const again = await settle(() => createOn(b, name));
      expect(again).toEqual({ id: ids.get(name) });
      expect(await settle(() => createOn(a, name))).toEqual({ id: ids.get(name) });
    }
    const after = await ourImages();
    expect(after.length - before.length).toBe(ROUNDS);
    expect(new Set(ids.values()).size).toBe(ROUNDS);
    for (const id of ids.values()) {
      await call(a.controller, 'DeleteVolume', { volume_id: id, secrets: a.secrets });
    }
  }, 120_000);

  it('given one snapshot name created on both replicas at once, makes one RBD snapshot', async () => {
    const source = await call(a.controller, 'CreateVolume', request(`pvc-race-src-${Date.now()}`));
    const volumeId = source.volume?.volume_id ?? '';
    const image = source.volume?.volume_context?.['imageName'] ?? '';
    const snap = (h: Harness, name: string) =>
      outcome(
        call(h.controller, 'CreateSnapshot', {
          name,
          source_volume_id: volumeId,
          secrets: a.secrets,
        }).then((r) => ({ id: r.snapshot?.snapshot_id })),
      );
    const names = Array.from({ length: 10 }, (_, i) => `snap-race-${i}-${Date.now()}`);
    const ids: string[] = [];
    for (const name of names) {
      const [first, second] = await Promise.all([snap(a, name), snap(b, name)]);
      const id = judge(first, second);
      expect(await settle(() => snap(b, name))).toEqual({ id });
      ids.push(id);
    }
    const listed = await cephCli(a.ceph, [
      'rbd',
      'snap',
      'ls',
      '--format',
      'json',
      `${a.ceph.pool}/${image}`,
    ]);
    const snaps = (JSON.parse(listed.stdout) as { name: string }[]).map((s) => s.name);
    expect(snaps).toHaveLength(names.length);
    expect(new Set(ids).size).toBe(names.length);
    for (const id of ids) await call(a.controller, 'DeleteSnapshot', { snapshot_id: id, secrets: a.secrets });
    await call(a.controller, 'DeleteVolume', { volume_id: volumeId, secrets: a.secrets });
  }, 120_000);
});
