// Two controller replicas: the resizer sidecar's leader (replica A, ControllerExpandVolume) and the
// provisioner's (replica B, DeleteVolume) elect separately, so one volume can be expanded on A while B
// deletes it. B's delete lands between A's resize and A's journal write (forced here by running B's
// DeleteVolume from inside A's journal write). A must not write the deleted volume's record back: that
// would leave a `ready` record (and its name) for an image that no longer exists, listed by
// ListVolumes and handed out again by a CreateVolume of the same name. Against the real local Ceph.
import { status, type ServiceError } from '@grpc/grpc-js';
import { Journal } from '../../../plugins/csi-ceph/src/effects/journal.js';
import { rbdImages } from '../../support/ceph.js';
import { call, CLUSTER_ID, MOUNT_RWO, startHarness, type Harness } from './harness.js';

const MIB = 1024 * 1024;
const unique = (label: string) => `pvc-${label}-${Date.now()}-${Math.floor(Math.random() * 1e6)}`;

let a: Harness;
let b: Harness;

beforeAll(async () => {
  a = await startHarness();
  b = await startHarness({ ceph: a.ceph });
});

afterAll(async () => {
  vi.restoreAllMocks();
  await b?.stop();
  await a?.stop();
});

const parameters = () => ({ clusterID: CLUSTER_ID, pool: a.ceph.pool });

const create = (target: Harness, name: string) =>
  call(target.controller, 'CreateVolume', {
    name,
    capacity_range: { required_bytes: 8 * MIB },
    volume_capabilities: [MOUNT_RWO],
    parameters: parameters(),
    secrets: target.secrets,
  });

const images = () => rbdImages(a.ceph, a.ceph.pool);

/** The journal methods that write a volume record (the write that follows the resize). */
const RECORD_WRITES = ['putVolume', 'updateVolume'] as const;

/** Runs `before` once, at the first volume record write of any Journal, then lets the write go on. */
function beforeFirstRecordWrite(before: () => Promise<unknown>): void {
  let done = false;
  const proto = Journal.prototype as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  for (const method of RECORD_WRITES) {
    const original = proto[method];
    if (typeof original !== 'function') continue;
    vi.spyOn(proto, method).mockImplementation(async function (this: unknown, ...args: unknown[]) {
      if (!done) {
        done = true;
        await before();
      }
      return original.apply(this, args);
    });
  }
}

describe('ControllerExpandVolume racing DeleteVolume on another replica', () => {
  it('given the volume deleted between the resize and the journal write, the expand is NOT_FOUND and the volume stays gone', async () => {
    const name = unique('race');
    const volume = (await create(a, name)).volume!;
    const image = volume.volume_context!['imageName']!;
    beforeFirstRecordWrite(() =>
      call(b.controller, 'DeleteVolume', { volume_id: volume.volume_id, secrets: b.secrets }),
    );
    const err = await call(a.controller, 'ControllerExpandVolume', {
      volume_id: volume.volume_id,
      capacity_range: { required_bytes: 16 * MIB },
      secrets: a.secrets,
      volume_capability: MOUNT_RWO,
    }).then(
      () => undefined,
      (e: ServiceError) => e,
    );
    vi.restoreAllMocks();
    expect(await images()).not.toContain(image);
    const listed = await call(b.controller, 'ListVolumes', {});
    expect(listed.entries.map((e) => e.volume?.volume_id)).not.toContain(volume.volume_id);
    // The name is free again: a new CreateVolume makes a new volume, not the deleted one.
    const again = (await create(b, name)).volume!;
    expect(again.volume_id).not.toBe(volume.volume_id);
    expect(await images()).toContain(again.volume_context!['imageName']);
    expect(err?.code).toBe(status.NOT_FOUND);
    await call(b.controller, 'DeleteVolume', { volume_id: again.volume_id, secrets: b.secrets });
  });
});
