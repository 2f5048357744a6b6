// Snapshots and volumes from snapshots/volumes (RBD clone v2) over the socket against real Ceph.
import { status } from '@grpc/grpc-js';
import { cephCli } from '../../support/ceph.js';
import {
  call,
  codeOf,
  CLUSTER_ID,
  createSnapshot,
  createVolume,
  MOUNT_RWO,
  startHarness,
  unique,
  type Harness,
} from './harness.js';

const MIB = 1024 * 1024;
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ cleanUp: true });
});

afterAll(() => h?.stop());

const create = (name: string, bytes: number, source?: object) => createVolume(h, { name, bytes, source });

/** A CreateVolume request without a capacity_range. */
const unranged = (name: string) => ({
  name,
  volume_capabilities: [MOUNT_RWO],
  parameters: { clusterID: CLUSTER_ID, pool: h.ceph.pool },
  secrets: h.secrets,
});

/** The RBD snapshots of an image in the harness's pool. */
async function snapshotsOf(image: string): Promise<unknown[]> {
  const listed = await cephCli(h.ceph, ['rbd', 'snap', 'ls', '--format', 'json', `${h.ceph.pool}/${image}`]);
  return JSON.parse(listed.stdout) as unknown[];
}

async function imageBytes(image: string): Promise<number> {
  const info = await cephCli(h.ceph, ['rbd', 'info', '--format', 'json', `${h.ceph.pool}/${image}`]);
  return (JSON.parse(info.stdout) as { size: number }).size;
}

const snapshot = (name: string, source: string) => createSnapshot(h, name, source);

async function parentOf(image: string): Promise<string | undefined> {
  const info = await cephCli(h.ceph, ['rbd', 'info', '--format', 'json', `${h.ceph.pool}/${image}`]);
  return (JSON.parse(info.stdout) as { parent?: { image: string } }).parent?.image;
}

describe('snapshots', () => {
  it('given a volume, CreateSnapshot makes an RBD snapshot, idempotently, ready to use', async () => {
    const vol = (await create(unique('src'), 8 * MIB)).volume!;
    const name = unique('snap');
    const first = (await snapshot(name, vol.volume_id!)).snapshot!;
    const again = (await snapshot(name, vol.volume_id!)).snapshot!;
    expect(again.snapshot_id).toBe(first.snapshot_id);
    expect(first).toMatchObject({
      ready_to_use: true,
      size_bytes: String(8 * MIB),
      source_volume_id: vol.volume_id,
    });
    expect(await snapshotsOf(vol.volume_context!['imageName']!)).toHaveLength(1);
  });

  it('given the same snapshot name for another volume, answers ALREADY_EXISTS', async () => {
    const a = (await create(unique('a'), 4 * MIB)).volume!;
    const b = (await create(unique('b'), 4 * MIB)).volume!;
    const name = unique('snap');
    await snapshot(name, a.volume_id!);
    expect(await codeOf(snapshot(name, b.volume_id!))).toBe(status.ALREADY_EXISTS);
  });

  it('given filters, ListSnapshots finds by snapshot ID and by source volume', async () => {
    const vol = (await create(unique('list'), 4 * MIB)).volume!;
    const s1 = (await snapshot(unique('s1'), vol.volume_id!)).snapshot!;
    const s2 = (await snapshot(unique('s2'), vol.volume_id!)).snapshot!;
    const bySource = await call(h.controller, 'ListSnapshots', {
      source_volume_id: vol.volume_id,
      secrets: h.secrets,
    });
    expect(bySource.entries!.map((e) => e.snapshot!.snapshot_id).sort()).toEqual(
      [s1.snapshot_id, s2.snapshot_id].sort(),
    );
    const byId = await call(h.controller, 'ListSnapshots', {
      snapshot_id: s1.snapshot_id,
      secrets: h.secrets,
    });
    expect(byId.entries!.map((e) => e.snapshot!.snapshot_id)).toEqual([s1.snapshot_id]);
    const none = await call(h.controller, 'ListSnapshots', {
      snapshot_id: 'garbage',
      secrets: h.secrets,
    });
    expect(none.entries).toEqual([]);
  });

  it('given no filter, ListSnapshots (controller keyring) pages through every snapshot once', async () => {
    const vol = (await create(unique('all'), 4 * MIB)).volume!;
    const made = await Promise.all(
      [1, 2, 3].map(async (i) => (await snapshot(unique(`p${i}`), vol.volume_id!)).snapshot!),
    );
    const seen: string[] = [];
    let token = '';
    do {
      const page = await call(h.controller, 'ListSnapshots', { max_entries: 2, starting_token: token });
      seen.push(...page.entries!.map((e) => e.snapshot!.snapshot_id!));
      token = page.next_token ?? '';
    } while (token !== '');
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expect.arrayContaining(made.map((m) => m.snapshot_id)));
  });

  it('given a snapshot, DeleteSnapshot removes it and deleting again succeeds', async () => {
    const vol = (await create(unique('del'), 4 * MIB)).volume!;
    const snap = (await snapshot(unique('s'), vol.volume_id!)).snapshot!;
    await call(h.controller, 'DeleteSnapshot', {
      snapshot_id: snap.snapshot_id,
      secrets: h.secrets,
    });
    await call(h.controller, 'DeleteSnapshot', {
      snapshot_id: snap.snapshot_id,
      secrets: h.secrets,
    });
    expect(await snapshotsOf(vol.volume_context!['imageName']!)).toEqual([]);
  });
});

describe('volumes from sources', () => {
  it('given a snapshot source, creates a clone v2 of it with the requested (larger) size', async () => {
    const vol = (await create(unique('parent'), 8 * MIB)).volume!;
    const snap = (await snapshot(unique('s'), vol.volume_id!)).snapshot!;
    const clone = (await create(unique('clone'), 16 * MIB, { snapshot: { snapshot_id: snap.snapshot_id } }))
      .volume!;
    expect(clone.capacity_bytes).toBe(String(16 * MIB));
    expect(clone.content_source?.snapshot?.snapshot_id).toBe(snap.snapshot_id);
    const image = clone.volume_context!['imageName']!;
    const info = await cephCli(h.ceph, ['rbd', 'info', '--format', 'json', `${h.ceph.pool}/${image}`]);
    expect(JSON.parse(info.stdout).size).toBe(16 * MIB);
    // Flattened in the background: the parent link goes away.
    await vi.waitFor(async () => expect(await parentOf(image)).toBeUndefined(), {
      timeout: 15_000,
      interval: 250,
    });
  });

  it('given a snapshot source and a smaller size, answers OUT_OF_RANGE and leaves no image', async () => {
    const vol = (await create(unique('p'), 8 * MIB)).volume!;
    const snap = (await snapshot(unique('s'), vol.volume_id!)).snapshot!;
    const before = await cephCli(h.ceph, ['rbd', 'ls', '--pool', h.ceph.pool]);
    expect(
      await codeOf(create(unique('small'), 4 * MIB, { snapshot: { snapshot_id: snap.snapshot_id } })),
    ).toBe(status.OUT_OF_RANGE);
    const after = await cephCli(h.ceph, ['rbd', 'ls', '--pool', h.ceph.pool]);
    expect(after.stdout).toBe(before.stdout);
  });

  it('given a volume source, clones it and leaves the source free of our temporary snapshot', async () => {
    const src = (await create(unique('orig'), 8 * MIB)).volume!;
    const copy = (await create(unique('copy'), 8 * MIB, { volume: { volume_id: src.volume_id } })).volume!;
    expect(copy.content_source?.volume?.volume_id).toBe(src.volume_id);
    const image = copy.volume_context!['imageName']!;
    await vi.waitFor(async () => expect(await parentOf(image)).toBeUndefined(), {
      timeout: 15_000,
      interval: 250,
    });
    // Once the clone is flat, the source can be deleted.
    await vi.waitFor(
      () => call(h.controller, 'DeleteVolume', { volume_id: src.volume_id, secrets: h.secrets }),
      { timeout: 15_000, interval: 500 },
    );
  });

  it('given no capacity_range, a clone and a restore of a source above the 1 GiB default get the source’s size, and a repeat the same volume', async () => {
    const big = 1024 * MIB + 8 * MIB;
    const src = (await create(unique('big'), big)).volume!;
    const snap = (await snapshot(unique('bigsnap'), src.volume_id!)).snapshot!;
    const sources = [
      { volume: { volume_id: src.volume_id } },
      { snapshot: { snapshot_id: snap.snapshot_id } },
    ];
    for (const source of sources) {
      const request = { ...unranged(unique('sized')), volume_content_source: source };
      const first = (await call(h.controller, 'CreateVolume', request)).volume!;
      expect(first.capacity_bytes).toBe(String(big));
      expect(await imageBytes(first.volume_context!['imageName']!)).toBe(big);
      const again = (await call(h.controller, 'CreateVolume', request)).volume!;
      expect(again.volume_id).toBe(first.volume_id);
      expect(again.capacity_bytes).toBe(String(big));
    }
  });

  it('given only limit_bytes, a clone gets the source’s size within it, and OUT_OF_RANGE below it, leaving nothing', async () => {
    const src = (await create(unique('lim'), 16 * MIB)).volume!;
    const source = { volume: { volume_id: src.volume_id } };
    const within = (
      await call(h.controller, 'CreateVolume', {
        ...unranged(unique('within')),
        capacity_range: { limit_bytes: 64 * MIB },
        volume_content_source: source,
      })
    ).volume!;
    expect(within.capacity_bytes).toBe(String(16 * MIB));
    const before = await cephCli(h.ceph, ['rbd', 'ls', '--pool', h.ceph.pool]);
    const name = unique('below');
    const err = await call(h.controller, 'CreateVolume', {
      ...unranged(name),
      capacity_range: { limit_bytes: 8 * MIB },
      volume_content_source: source,
    }).catch((e: { code: number; details: string }) => e);
    expect(err).toMatchObject({ code: status.OUT_OF_RANGE });
    expect((err as { details: string }).details).toMatch(
      /^CSI_ERR_CAPACITY_OUT_OF_RANGE: limit_bytes 8388608/,
    );
    expect((await cephCli(h.ceph, ['rbd', 'ls', '--pool', h.ceph.pool])).stdout).toBe(before.stdout);
    const journal = await cephCli(h.ceph, ['rados', '-p', h.ceph.pool, 'listomapkeys', 'csi.corral.journal']);
    expect(journal.stdout).not.toContain(name);
    expect(await snapshotsOf(src.volume_context!['imageName']!)).toEqual([]);
  });

  it('given an unknown snapshot ID of the right shape, answers NOT_FOUND', async () => {
    const id = `s1.${CLUSTER_ID}.${h.ceph.pool}..00000000-0000-4000-8000-000000000000`;
    expect(await codeOf(create(unique('x'), 4 * MIB, { snapshot: { snapshot_id: id } }))).toBe(
      status.NOT_FOUND,
    );
  });
});
