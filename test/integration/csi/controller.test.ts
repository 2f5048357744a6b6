// The Controller service over its unix socket against the real local Ceph: idempotent create/delete
// through the journal, locks, compatibility errors, expand, validate, list with pagination, capacity.
import { status } from '@grpc/grpc-js';
import { cephCli } from '../../support/ceph.js';
import { call, codeOf, CLUSTER_ID, MOUNT_RWO, startHarness, type Harness } from './harness.js';

let h: Harness;
const MIB = 1024 * 1024;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.stop();
});

const params = () => ({ clusterID: CLUSTER_ID, pool: h.ceph.pool });
const unique = (label: string) => `pvc-${label}-${Date.now()}-${Math.floor(Math.random() * 1e6)}`;

function create(name: string, bytes = 16 * MIB, extra: Record<string, unknown> = {}) {
  return call(h.controller, 'CreateVolume', {
    name,
    capacity_range: { required_bytes: bytes },
    volume_capabilities: [MOUNT_RWO],
    parameters: params(),
    secrets: h.secrets,
    ...extra,
  });
}

async function images(namespace = ''): Promise<string[]> {
  const args = [
    'rbd',
    'ls',
    '--pool',
    h.ceph.pool,
    ...(namespace ? ['--namespace', namespace] : []),
  ] as const;
  const out = await cephCli(h.ceph, [...args]);
  return out.stdout.split('\n').filter(Boolean);
}

describe('CreateVolume / DeleteVolume', () => {
  it('given a new name, creates one image of the rounded size and returns an ID of ≤ 128 bytes', async () => {
    const name = unique('new');
    const res = await create(name, 10 * MIB + 1);
    const volume = res.volume!;
    expect(volume.capacity_bytes).toBe(String(11 * MIB));
    expect(Buffer.byteLength(volume.volume_id!)).toBeLessThanOrEqual(128);
    const image = volume.volume_context?.['imageName'];
    expect(await images()).toContain(image);
    const info = await cephCli(h.ceph, ['rbd', 'info', '--format', 'json', `${h.ceph.pool}/${image}`]);
    expect(JSON.parse(info.stdout).size).toBe(11 * MIB);
  });

  it('given the same request twice, returns the same volume and makes no second image', async () => {
    const name = unique('twice');
    const first = await create(name);
    const before = await images();
    const second = await create(name);
    expect(second.volume?.volume_id).toBe(first.volume?.volume_id);
    expect(await images()).toEqual(before);
  });

  it('given the same name with an incompatible size, answers ALREADY_EXISTS', async () => {
    const name = unique('conflict');
    await create(name, 16 * MIB);
    const err = create(name, 64 * MIB, {
      capacity_range: { required_bytes: 64 * MIB, limit_bytes: 64 * MIB },
    });
    expect(await codeOf(err)).toBe(status.ALREADY_EXISTS);
  });

  it('given two concurrent creates of one name, one succeeds and the other gets ABORTED; one image', async () => {
    const name = unique('race');
    const before = (await images()).length;
    const results = await Promise.allSettled([create(name), create(name)]);
    const codes = results
      .map((r) => (r.status === 'fulfilled' ? 0 : (r.reason as { code: number }).code))
      .sort();
    expect(codes).toEqual([0, status.ABORTED]);
    expect((await images()).length).toBe(before + 1);
  });

  it('given a volume, DeleteVolume removes the image and the journal entry; deleting again succeeds', async () => {
    const name = unique('delete');
    const res = await create(name);
    const id = res.volume!.volume_id!;
    const image = res.volume!.volume_context!['imageName']!;
    await call(h.controller, 'DeleteVolume', { volume_id: id, secrets: h.secrets });
    expect(await images()).not.toContain(image);
    await call(h.controller, 'DeleteVolume', { volume_id: id, secrets: h.secrets });
    // The name is free again: a new create makes a new volume.
    const again = await create(name);
    expect(again.volume?.volume_id).not.toBe(id);
  });

  it('given a garbage volume ID, DeleteVolume succeeds (it cannot name a volume)', async () => {
    const res = await call(h.controller, 'DeleteVolume', {
      volume_id: 'not-a-volume',
      secrets: h.secrets,
    });
    expect(res).toEqual({});
  });

  it('given a volume with a snapshot, DeleteVolume answers FAILED_PRECONDITION and keeps it', async () => {
    const res = await create(unique('with-snap'));
    const id = res.volume!.volume_id!;
    const snap = await call(h.controller, 'CreateSnapshot', {
      name: unique('snap'),
      source_volume_id: id,
      secrets: h.secrets,
    });
    expect(await codeOf(call(h.controller, 'DeleteVolume', { volume_id: id, secrets: h.secrets }))).toBe(
      status.FAILED_PRECONDITION,
    );
    expect(await images()).toContain(res.volume!.volume_context!['imageName']);
    await call(h.controller, 'DeleteSnapshot', {
      snapshot_id: snap.snapshot!.snapshot_id,
      secrets: h.secrets,
    });
    await call(h.controller, 'DeleteVolume', { volume_id: id, secrets: h.secrets });
  });
});

describe('bad input', () => {
  const cases: [string, () => Promise<unknown>, number][] = [
    ['a name over 128 bytes', () => create('x'.repeat(129)), status.INVALID_ARGUMENT],
    ['no name', () => create(''), status.INVALID_ARGUMENT],
    [
      'an unknown clusterID',
      () => create(unique('c'), MIB, { parameters: { clusterID: 'nope', pool: 'rbd' } }),
      status.INVALID_ARGUMENT,
    ],
    ['no secrets', () => create(unique('s'), MIB, { secrets: {} }), status.INVALID_ARGUMENT],
    [
      'required above limit',
      () => create(unique('r'), MIB, { capacity_range: { required_bytes: 2 * MIB, limit_bytes: MIB } }),
      status.OUT_OF_RANGE,
    ],
    ['no capabilities', () => create(unique('n'), MIB, { volume_capabilities: [] }), status.INVALID_ARGUMENT],
    [
      'filesystem + MULTI_NODE_MULTI_WRITER',
      () =>
        create(unique('m'), MIB, {
          volume_capabilities: [{ mount: {}, access_mode: { mode: 'MULTI_NODE_MULTI_WRITER' } }],
        }),
      status.INVALID_ARGUMENT,
    ],
    [
      'an unknown image feature',
      () => create(unique('f'), MIB, { parameters: { ...params(), imageFeatures: 'teleport' } }),
      status.INVALID_ARGUMENT,
    ],
    [
      'a snapshot source that cannot exist',
      () => create(unique('src'), MIB, { volume_content_source: { snapshot: { snapshot_id: 'garbage' } } }),
      status.NOT_FOUND,
    ],
  ];
  it.each(cases)('given %s, CreateVolume answers the spec code', async (_label, run, code) => {
    expect(await codeOf(run())).toBe(code);
  });

  it('given filesystem + MULTI_NODE_MULTI_WRITER, the message says why and what to use', async () => {
    const err = await create(unique('m'), MIB, {
      volume_capabilities: [{ mount: {}, access_mode: { mode: 'MULTI_NODE_MULTI_WRITER' } }],
    }).catch((e: { details: string }) => e);
    expect((err as { details: string }).details).toMatch(/CSI_ERR_UNSUPPORTED_CAPABILITY.*ReadWriteOnce/);
  });

  it('given secrets, never logs the key', async () => {
    await create(unique('log'));
    expect(h.logs.text()).not.toContain(h.ceph.csiKey);
  });
});

describe('expand, validate, list, capacity', () => {
  it('given a bigger range, ControllerExpandVolume grows the image and asks for node expansion', async () => {
    const res = await create(unique('grow'), 16 * MIB);
    const id = res.volume!.volume_id!;
    const grown = await call(h.controller, 'ControllerExpandVolume', {
      volume_id: id,
      capacity_range: { required_bytes: 32 * MIB },
      secrets: h.secrets,
      volume_capability: MOUNT_RWO,
    });
    expect(grown).toEqual({ capacity_bytes: String(32 * MIB), node_expansion_required: true });
    const info = await cephCli(h.ceph, [
      'rbd',
      'info',
      '--format',
      'json',
      `${h.ceph.pool}/${res.volume!.volume_context!['imageName']}`,
    ]);
    expect(JSON.parse(info.stdout).size).toBe(32 * MIB);
  });

  it('given a block volume, ControllerExpandVolume asks for node expansion too (the loop device needs it)', async () => {
    const blockRwo = { block: {}, access_mode: { mode: 'SINGLE_NODE_WRITER' as const } };
    const res = await create(unique('grow-block'), 16 * MIB, { volume_capabilities: [blockRwo] });
    const grown = await call(h.controller, 'ControllerExpandVolume', {
      volume_id: res.volume!.volume_id!,
      capacity_range: { required_bytes: 32 * MIB },
      secrets: h.secrets,
      volume_capability: blockRwo,
    });
    expect(grown).toEqual({ capacity_bytes: String(32 * MIB), node_expansion_required: true });
  });

  it('given an unknown volume, ControllerExpandVolume answers NOT_FOUND', async () => {
    const code = await codeOf(
      call(h.controller, 'ControllerExpandVolume', {
        volume_id: `v1.${CLUSTER_ID}.rbd..00000000-0000-4000-8000-000000000000`,
        capacity_range: { required_bytes: MIB },
        secrets: h.secrets,
      }),
    );
    expect(code).toBe(status.NOT_FOUND);
  });

  it('given supported and unsupported capabilities, ValidateVolumeCapabilities confirms only the first', async () => {
    const id = (await create(unique('validate'))).volume!.volume_id!;
    const ok = await call(h.controller, 'ValidateVolumeCapabilities', {
      volume_id: id,
      volume_capabilities: [MOUNT_RWO],
      secrets: h.secrets,
    });
    expect(ok.confirmed?.volume_capabilities).toHaveLength(1);
    const no = await call(h.controller, 'ValidateVolumeCapabilities', {
      volume_id: id,
      volume_capabilities: [{ mount: {}, access_mode: { mode: 'MULTI_NODE_MULTI_WRITER' } }],
      secrets: h.secrets,
    });
    expect(no.confirmed).toBeNull();
    expect(no.message).toMatch(/MULTI_NODE_MULTI_WRITER/);
  });

  it('given parameters or a volume context that do not match the volume, ValidateVolumeCapabilities confirms nothing', async () => {
    const volume = (await create(unique('validate-ctx'))).volume!;
    const validate = (parameters: Record<string, string>, context: Record<string, string>) =>
      call(h.controller, 'ValidateVolumeCapabilities', {
        volume_id: volume.volume_id,
        volume_capabilities: [MOUNT_RWO],
        parameters,
        volume_context: context,
        secrets: h.secrets,
      });
    const own = await validate({ clusterID: CLUSTER_ID, pool: h.ceph.pool }, volume.volume_context!);
    expect(own.confirmed?.parameters).toMatchObject({ clusterID: CLUSTER_ID });
    const otherPool = await validate({ clusterID: CLUSTER_ID, pool: 'other-pool' }, {});
    expect(otherPool.confirmed).toBeNull();
    expect(otherPool.message).toMatch(/pool other-pool/);
    const otherImage = await validate({}, { imageName: 'not-this-one' });
    expect(otherImage.confirmed).toBeNull();
    expect(otherImage.message).toMatch(/not this volume's image/);
  });

  it('given pages of 2, ListVolumes returns every volume exactly once, and a bad token ABORTED', async () => {
    await create(unique('list-a'));
    await create(unique('list-b'));
    await create(unique('list-c'));
    const seen: string[] = [];
    let token = '';
    do {
      const page = await call(h.controller, 'ListVolumes', {
        max_entries: 2,
        starting_token: token,
      });
      expect(page.entries!.length).toBeLessThanOrEqual(2);
      seen.push(...page.entries!.map((e) => e.volume!.volume_id!));
      token = page.next_token ?? '';
    } while (token !== '');
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBeGreaterThanOrEqual(3);
    expect(await codeOf(call(h.controller, 'ListVolumes', { starting_token: 'zz' }))).toBe(status.ABORTED);
  });

  it('given the keyring, GetCapacity reports the cluster’s available bytes', async () => {
    const cap = await call(h.controller, 'GetCapacity', { parameters: params() });
    expect(BigInt(cap.available_capacity!)).toBeGreaterThan(0n);
  });

  it('given the keyring, ControllerGetCapabilities lists listing and capacity too', async () => {
    const caps = await call(h.controller, 'ControllerGetCapabilities', {});
    const types = caps.capabilities!.map((c) => c.rpc?.type);
    expect(types).toEqual(
      expect.arrayContaining(['CREATE_DELETE_VOLUME', 'LIST_VOLUMES', 'GET_CAPACITY', 'EXPAND_VOLUME']),
    );
  });
});
