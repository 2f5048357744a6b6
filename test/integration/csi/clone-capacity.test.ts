// A clone (or volume) asked to be larger than librbd can make it is a capacity the plugin cannot
// provide: OUT_OF_RANGE (CSI spec), never INTERNAL, and nothing is left behind: no image, no temporary
// snapshot on the source, no journal entry, and the source stays deletable. Against the real local Ceph.
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { status, type ServiceError } from '@grpc/grpc-js';
import { cephCli, rbdImages, rbdSnapshots } from '../../support/ceph.js';
import { call, codeOf, CLUSTER_ID, MOUNT_RWO, startHarness, type Harness } from './harness.js';

const MIB = 1024 * 1024;
const TIB = 1024 * 1024 * MIB;
const OBJECT_MAP = 'layering,exclusive-lock,object-map';
const unique = (label: string) => `pvc-${label}-${Date.now()}-${Math.floor(Math.random() * 1e6)}`;

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.stop();
});

function create(target: Harness, name: string, bytes: number, features: string, source?: object) {
  return call(target.controller, 'CreateVolume', {
    name,
    capacity_range: { required_bytes: bytes },
    volume_capabilities: [MOUNT_RWO],
    parameters: { clusterID: CLUSTER_ID, pool: target.ceph.pool, imageFeatures: features },
    secrets: target.secrets,
    ...(source ? { volume_content_source: source } : {}),
  });
}

const images = () => rbdImages(h.ceph, h.ceph.pool);

const snapshotsOf = (image: string) => rbdSnapshots(h.ceph, `${h.ceph.pool}/${image}`);

async function journalKeys(): Promise<string> {
  return (await cephCli(h.ceph, ['rados', '-p', h.ceph.pool, 'listomapkeys', 'csi.corral.journal'])).stdout;
}

async function failure(promise: Promise<unknown>): Promise<ServiceError> {
  return promise.then(
    () => {
      throw new Error('the call succeeded');
    },
    (err: ServiceError) => err,
  );
}

describe('capacity past what librbd can give', () => {
  it('given a volume source and object-map, a 2 PiB clone is OUT_OF_RANGE and leaves nothing, on the call and its retry', async () => {
    const source = (await create(h, unique('src'), 8 * MIB, OBJECT_MAP)).volume!;
    const sourceImage = source.volume_context!['imageName']!;
    const before = await images();
    const name = unique('huge');
    for (let attempt = 0; attempt < 2; attempt++) {
      const err = await failure(
        create(h, name, 2 * 1024 * TIB, OBJECT_MAP, { volume: { volume_id: source.volume_id } }),
      );
      expect(err.code).toBe(status.OUT_OF_RANGE);
      expect(err.details).toMatch(/^CSI_ERR_CAPACITY_OUT_OF_RANGE: .*object-map/);
    }
    expect(await images()).toEqual(before);
    expect(await snapshotsOf(sourceImage)).toEqual([]);
    expect(await journalKeys()).not.toContain(name);
    await call(h.controller, 'DeleteVolume', { volume_id: source.volume_id, secrets: h.secrets });
    expect(await images()).not.toContain(sourceImage);
  });

  it('given a snapshot source and object-map, a 2 PiB clone is OUT_OF_RANGE and leaves no image', async () => {
    const source = (await create(h, unique('ssrc'), 8 * MIB, OBJECT_MAP)).volume!;
    const snap = (
      await call(h.controller, 'CreateSnapshot', {
        name: unique('snap'),
        source_volume_id: source.volume_id,
        secrets: h.secrets,
      })
    ).snapshot!;
    const before = await images();
    const name = unique('hugesnap');
    expect(
      await codeOf(
        create(h, name, 2 * 1024 * TIB, OBJECT_MAP, { snapshot: { snapshot_id: snap.snapshot_id } }),
      ),
    ).toBe(status.OUT_OF_RANGE);
    expect(await images()).toEqual(before);
    expect(await journalKeys()).not.toContain(name);
  });

  it('given object-map, a plain 2 PiB volume is OUT_OF_RANGE and leaves nothing', async () => {
    const before = await images();
    const name = unique('plain');
    expect(await codeOf(create(h, name, 2 * 1024 * TIB, OBJECT_MAP))).toBe(status.OUT_OF_RANGE);
    expect(await images()).toEqual(before);
    expect(await journalKeys()).not.toContain(name);
  });

  it('given smaller objects than the check assumes (rbd_default_order 20), librbd refuses the resize and the clone is still OUT_OF_RANGE and undone', async () => {
    const conf = join(h.dir, 'order20.conf');
    await writeFile(conf, '[global]\nrbd_default_order = 20\n');
    const small = await startHarness({ ceph: h.ceph, extraArgs: ['--ceph-conf', conf] });
    try {
      const source = (await create(small, unique('o20'), 8 * MIB, OBJECT_MAP)).volume!;
      const sourceImage = source.volume_context!['imageName']!;
      const info = await cephCli(h.ceph, [
        'rbd',
        'info',
        '--format',
        'json',
        `${h.ceph.pool}/${sourceImage}`,
      ]);
      expect((JSON.parse(info.stdout) as { order: number }).order).toBe(20);
      const before = await images();
      // 500 TiB passes the 4 MiB-object check (about 976 TiB) but not librbd's at 1 MiB (about 244 TiB):
      // the clone and its temporary snapshot exist when the resize fails.
      const err = await failure(
        create(small, unique('o20huge'), 500 * TIB, OBJECT_MAP, { volume: { volume_id: source.volume_id } }),
      );
      expect(err.code).toBe(status.OUT_OF_RANGE);
      expect(err.details).toContain('rbd_resize');
      expect(await images()).toEqual(before);
      expect(await snapshotsOf(sourceImage)).toEqual([]);
      await call(small.controller, 'DeleteVolume', { volume_id: source.volume_id, secrets: small.secrets });
    } finally {
      await small.stop();
      await rm(conf, { force: true });
    }
  });
});
