// Snapshot RPCs held to the CSI spec's codes on real Ceph: IDs naming a pool or namespace that does
// not exist, list filters and tokens, repeats with another source, snapshots that clones still need.
import { status } from '@grpc/grpc-js';
import { cephCli } from '../../support/ceph.js';
import {
  call,
  codeOf,
  CLUSTER_ID,
  createSnapshot,
  createVolume,
  startHarness,
  unique,
  type Harness,
} from './harness.js';

const MIB = 1024 * 1024;
const UUID = '00000000-0000-4000-8000-000000000000';
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ cleanUp: true });
});

afterAll(() => h?.stop());

const create = (name: string, bytes: number, source?: object) => createVolume(h, { name, bytes, source });
const snapshot = (name: string, source: string) => createSnapshot(h, name, source);
const list = (request: object) => call(h.controller, 'ListSnapshots', { secrets: h.secrets, ...request });

describe('IDs of the right shape naming no pool or namespace', () => {
  const noPool = `s1.${CLUSTER_ID}.no-such-pool..${UUID}`;
  const noNamespace = (pool: string) => `s1.${CLUSTER_ID}.${pool}.no-such-ns.${UUID}`;

  it('given a snapshot ID in a pool that does not exist, DeleteSnapshot succeeds', async () => {
    await call(h.controller, 'DeleteSnapshot', { snapshot_id: noPool, secrets: h.secrets });
    await call(h.controller, 'DeleteSnapshot', { snapshot_id: noNamespace(h.ceph.pool), secrets: h.secrets });
  });

  it('given such IDs as filters, ListSnapshots answers an empty list', async () => {
    expect((await list({ snapshot_id: noPool })).entries).toEqual([]);
    expect((await list({ snapshot_id: noNamespace(h.ceph.pool) })).entries).toEqual([]);
    expect((await list({ source_volume_id: `v1.${CLUSTER_ID}.no-such-pool..${UUID}` })).entries).toEqual([]);
    expect((await list({ snapshot_id: noPool, secrets: {} })).entries).toEqual([]);
  });

  it('given a source in a pool that does not exist, CreateSnapshot and CreateVolume answer NOT_FOUND', async () => {
    expect(await codeOf(snapshot(unique('s'), `v1.${CLUSTER_ID}.no-such-pool..${UUID}`))).toBe(
      status.NOT_FOUND,
    );
    expect(await codeOf(create(unique('r'), 4 * MIB, { snapshot: { snapshot_id: noPool } }))).toBe(
      status.NOT_FOUND,
    );
  });
});

describe('ListSnapshots', () => {
  it('given both filters naming different volumes, answers an empty list; a deleted snapshot is not listed', async () => {
    const a = (await create(unique('a'), 4 * MIB)).volume!;
    const b = (await create(unique('b'), 4 * MIB)).volume!;
    const snap = (await snapshot(unique('s'), a.volume_id!)).snapshot!;
    const both = await list({ snapshot_id: snap.snapshot_id, source_volume_id: b.volume_id });
    expect(both.entries).toEqual([]);
    const listed = await list({ snapshot_id: snap.snapshot_id, source_volume_id: a.volume_id });
    expect(listed.entries!.map((e) => e.snapshot)).toEqual([snap]);
    await call(h.controller, 'DeleteSnapshot', { snapshot_id: snap.snapshot_id, secrets: h.secrets });
    expect((await list({ snapshot_id: snap.snapshot_id })).entries).toEqual([]);
    expect((await list({ source_volume_id: a.volume_id })).entries).toEqual([]);
  });

  it('given a bad token ABORTED, a negative max_entries INVALID_ARGUMENT', async () => {
    const vol = (await create(unique('t'), 4 * MIB)).volume!;
    await snapshot(unique('s'), vol.volume_id!);
    for (const token of ['x', '-1', '1.5', '99999999', ' 1'])
      expect(await codeOf(list({ source_volume_id: vol.volume_id, starting_token: token }))).toBe(
        status.ABORTED,
      );
    expect(await codeOf(list({ source_volume_id: vol.volume_id, max_entries: -1 }))).toBe(
      status.INVALID_ARGUMENT,
    );
  });
});

describe('CreateSnapshot', () => {
  it('given a deleted volume, answers NOT_FOUND and reserves nothing', async () => {
    const vol = (await create(unique('gone'), 4 * MIB)).volume!;
    await call(h.controller, 'DeleteVolume', { volume_id: vol.volume_id, secrets: h.secrets });
    const name = unique('late');
    expect(await codeOf(snapshot(name, vol.volume_id!))).toBe(status.NOT_FOUND);
    const keys = await cephCli(h.ceph, ['rados', '-p', h.ceph.pool, 'listomapkeys', 'csi.corral.journal']);
    expect(keys.stdout).not.toContain(name);
  });
});

describe('CreateVolume from a source', () => {
  it('given a repeat with another source, or none, answers ALREADY_EXISTS', async () => {
    const vol = (await create(unique('p'), 4 * MIB)).volume!;
    const s1 = (await snapshot(unique('s1'), vol.volume_id!)).snapshot!;
    const s2 = (await snapshot(unique('s2'), vol.volume_id!)).snapshot!;
    const name = unique('restore');
    const made = (await create(name, 4 * MIB, { snapshot: { snapshot_id: s1.snapshot_id } })).volume!;
    expect(made.content_source).toEqual({ snapshot: { snapshot_id: s1.snapshot_id }, type: 'snapshot' });
    for (const other of [
      { snapshot: { snapshot_id: s2.snapshot_id } },
      { volume: { volume_id: vol.volume_id } },
      undefined,
    ])
      expect(await codeOf(create(name, 4 * MIB, other))).toBe(status.ALREADY_EXISTS);
    const again = (await create(name, 4 * MIB, { snapshot: { snapshot_id: s1.snapshot_id } })).volume!;
    expect(again.volume_id).toBe(made.volume_id);
  });

  it('given a snapshot ID as a volume source (or the reverse), answers NOT_FOUND and makes nothing', async () => {
    const vol = (await create(unique('p'), 4 * MIB)).volume!;
    const snap = (await snapshot(unique('s'), vol.volume_id!)).snapshot!;
    expect(await codeOf(create(unique('x'), 4 * MIB, { volume: { volume_id: snap.snapshot_id } }))).toBe(
      status.NOT_FOUND,
    );
    expect(await codeOf(create(unique('x'), 4 * MIB, { snapshot: { snapshot_id: vol.volume_id } }))).toBe(
      status.NOT_FOUND,
    );
  });

  it('given a snapshot taken before an expansion, restores the snapshot’s size and data size', async () => {
    const vol = (await create(unique('p'), 8 * MIB)).volume!;
    const snap = (await snapshot(unique('s'), vol.volume_id!)).snapshot!;
    await call(h.controller, 'ControllerExpandVolume', {
      volume_id: vol.volume_id,
      capacity_range: { required_bytes: 16 * MIB },
      secrets: h.secrets,
    });
    const listed = (await list({ snapshot_id: snap.snapshot_id })).entries![0]!.snapshot!;
    expect(listed.size_bytes).toBe(String(8 * MIB));
    const restored = (
      await createVolume(h, { name: unique('r'), source: { snapshot: { snapshot_id: snap.snapshot_id } } })
    ).volume!;
    expect(restored.capacity_bytes).toBe(String(8 * MIB));
  });
});

describe('deleting what others still need', () => {
  it('given a volume with a snapshot, DeleteVolume is FAILED_PRECONDITION and leaves volume and snapshot usable', async () => {
    const vol = (await create(unique('v'), 4 * MIB)).volume!;
    const image = vol.volume_context!['imageName']!;
    const snap = (await snapshot(unique('s'), vol.volume_id!)).snapshot!;
    expect(
      await codeOf(call(h.controller, 'DeleteVolume', { volume_id: vol.volume_id, secrets: h.secrets })),
    ).toBe(status.FAILED_PRECONDITION);
    expect((await list({ snapshot_id: snap.snapshot_id })).entries!.map((e) => e.snapshot)).toEqual([snap]);
    const restored = (await create(unique('r'), 4 * MIB, { snapshot: { snapshot_id: snap.snapshot_id } }))
      .volume!;
    expect(restored).toMatchObject({
      capacity_bytes: String(4 * MIB),
      content_source: { snapshot: { snapshot_id: snap.snapshot_id } },
    });
    const expanded = await call(h.controller, 'ControllerExpandVolume', {
      volume_id: vol.volume_id,
      capacity_range: { required_bytes: 8 * MIB },
      secrets: h.secrets,
    });
    expect(expanded.capacity_bytes).toBe(String(8 * MIB));
    const info = await cephCli(h.ceph, ['rbd', 'info', '--format', 'json', `${h.ceph.pool}/${image}`]);
    expect((JSON.parse(info.stdout) as { size: number }).size).toBe(8 * MIB);
  });

  it('given a snapshot deleted while a restore of it is not flattened, the restore keeps its data and the source frees up after', async () => {
    const vol = (await create(unique('v'), 8 * MIB)).volume!;
    const image = vol.volume_context!['imageName']!;
    const snap = (await snapshot(unique('s'), vol.volume_id!)).snapshot!;
    const restored = (await create(unique('r'), 8 * MIB, { snapshot: { snapshot_id: snap.snapshot_id } }))
      .volume!;
    await call(h.controller, 'DeleteSnapshot', { snapshot_id: snap.snapshot_id, secrets: h.secrets });
    expect((await list({ snapshot_id: snap.snapshot_id })).entries).toEqual([]);
    expect(await codeOf(create(unique('r2'), 8 * MIB, { snapshot: { snapshot_id: snap.snapshot_id } }))).toBe(
      status.NOT_FOUND,
    );
    await vi.waitFor(
      () => call(h.controller, 'DeleteVolume', { volume_id: vol.volume_id, secrets: h.secrets }),
      { timeout: 20_000, interval: 500 },
    );
    const ls = await cephCli(h.ceph, ['rbd', 'ls', '--pool', h.ceph.pool]);
    expect(ls.stdout).not.toContain(image);
    expect(ls.stdout).toContain(restored.volume_context!['imageName']);
  });
});
