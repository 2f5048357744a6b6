// Tenant isolation of the controller RPCs that take an existing volume's ID. CreateSnapshot carries
// the VolumeSnapshot's namespace (csi-snapshotter --extra-create-metadata): a snapshot asked for from
// another department's namespace is NOT_FOUND and takes nothing, with the one shared secret the
// shipped StorageClass uses (so Ceph's caps cannot tell the departments apart). DeleteVolume,
// ControllerExpandVolume and DeleteSnapshot carry nothing that names a tenant: there the ID's own
// space is what is touched, and a department's own cephx user (caps on its RADOS namespace only)
// reaches nothing of another's, whatever ID it is given: PERMISSION_DENIED, nothing changed.
import { status } from '@grpc/grpc-js';
import { cephCli, rbdSnapshots } from '../../support/ceph.js';
import { call, createVolume, startHarness, type Harness } from './harness.js';
import { claimParameters, departmentYaml, restrictedSecrets } from './tenant-policies.js';

const MIB = 1024 * 1024;
const run = `${process.pid}-${Date.now() % 100000}`;
const alphaNs = `alpha-h-${run}`;
const betaNs = `beta-h-${run}`;
const NS_PARAM = 'csi.storage.k8s.io/volumesnapshot/namespace';
let h: Harness;

beforeAll(async () => {
  h = await startHarness({
    policies: ({ pool }) =>
      departmentYaml('alpha', { storage: { pool, radosNamespace: alphaNs } }) +
      departmentYaml('beta', { storage: { pool, radosNamespace: betaNs } }) +
      departmentYaml('gamma') +
      departmentYaml('delta'),
    cleanUp: { radosNamespaces: [alphaNs, betaNs] },
  });
});

afterAll(() => h?.stop());

type Failure = { code: number; details: string };
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => ({ code: status.OK, details: '' }),
    (e: Failure) => e,
  );

const create = async (name: string, namespace: string) =>
  (await createVolume(h, { name, bytes: 8 * MIB, parameters: claimParameters(namespace, name) })).volume!;

/** CreateSnapshot as the csi-snapshotter sends it for a VolumeSnapshot of `namespace`. */
const snapshotFrom = (name: string, volumeId: string, namespace: string, secrets = h.secrets) =>
  call(h.controller, 'CreateSnapshot', {
    name,
    source_volume_id: volumeId,
    parameters: {
      clusterID: 'corral-test',
      [NS_PARAM]: namespace,
      'csi.storage.k8s.io/volumesnapshot/name': name,
      'csi.storage.k8s.io/volumesnapshotcontent/name': `snapcontent-${name}`,
    },
    secrets,
  });

const spec = (namespace: string, image: string) =>
  `${h.ceph.pool}/${namespace ? `${namespace}/` : ''}${image}`;
const journalKeys = async (namespace: string) =>
  (
    await cephCli(h.ceph, [
      'rados',
      '-p',
      h.ceph.pool,
      ...(namespace ? ['--namespace', namespace] : []),
      'listomapkeys',
      'csi.corral.journal',
    ])
  ).stdout;
const imageBytes = async (namespace: string, image: string) =>
  (
    JSON.parse(
      (await cephCli(h.ceph, ['rbd', 'info', '--format', 'json', spec(namespace, image)])).stdout,
    ) as {
      size: number;
    }
  ).size;

describe('CreateSnapshot from a VolumeSnapshot namespace', () => {
  it('given beta’s volume and a VolumeSnapshot of alpha’s namespace, answers NOT_FOUND and takes nothing', async () => {
    const beta = await create(`pvc-beta-${run}`, 'beta-apps');
    const image = beta.volume_context!['imageName']!;
    const name = `snap-steal-${run}`;
    const err = await failure(snapshotFrom(name, beta.volume_id!, 'alpha-apps'));
    expect(err.code).toBe(status.NOT_FOUND);
    expect(err.details).toContain(`source volume "${beta.volume_id}" does not exist`);
    expect(err.details).not.toContain('"beta"');
    expect(await rbdSnapshots(h.ceph, spec(betaNs, image))).toEqual([]);
    expect(await journalKeys(betaNs)).not.toContain(`sn/${name}`);
    // The same from a namespace of no department; from beta's own, the snapshot is taken.
    expect((await failure(snapshotFrom(`${name}-x`, beta.volume_id!, 'kube-public'))).code).toBe(
      status.NOT_FOUND,
    );
    const own = await snapshotFrom(`snap-beta-${run}`, beta.volume_id!, 'beta-apps');
    expect(own.snapshot?.ready_to_use).toBe(true);
    expect(await rbdSnapshots(h.ceph, spec(betaNs, image))).toHaveLength(1);
  });

  it('given gamma’s volume (shared space) and a VolumeSnapshot of delta’s namespace, answers NOT_FOUND', async () => {
    const gamma = await create(`pvc-gamma-${run}`, 'gamma-apps');
    const image = gamma.volume_context!['imageName']!;
    const name = `snap-gamma-steal-${run}`;
    const err = await failure(snapshotFrom(name, gamma.volume_id!, 'delta-apps'));
    expect(err.code).toBe(status.NOT_FOUND);
    expect(err.details).not.toContain('gamma');
    expect(await rbdSnapshots(h.ceph, spec('', image))).toEqual([]);
    expect(await journalKeys('')).not.toContain(`sn/${name}`);
    expect((await snapshotFrom(`snap-gamma-${run}`, gamma.volume_id!, 'gamma-apps')).snapshot).toBeTruthy();
  });
});

describe('another department’s IDs with a department’s own cephx user', () => {
  it('given alpha’s volume and snapshot, beta’s user can neither grow, snapshot nor delete them', async () => {
    const alpha = await create(`pvc-alpha-${run}`, 'alpha-apps');
    const image = alpha.volume_context!['imageName']!;
    const snap = (await snapshotFrom(`snap-alpha-${run}`, alpha.volume_id!, 'alpha-apps')).snapshot!;
    const beta = await restrictedSecrets(h, `beta-h-${run}`, betaNs);
    const expand = await failure(
      call(h.controller, 'ControllerExpandVolume', {
        volume_id: alpha.volume_id,
        capacity_range: { required_bytes: 16 * MIB },
        secrets: beta,
      }),
    );
    expect(expand.code).toBe(status.PERMISSION_DENIED);
    expect(await imageBytes(alphaNs, image)).toBe(8 * MIB);
    // Even when the request says the VolumeSnapshot is beta's.
    const taken = await failure(snapshotFrom(`snap-by-beta-${run}`, alpha.volume_id!, 'beta-apps', beta));
    expect(taken.code).toBe(status.PERMISSION_DENIED);
    const removed = await failure(
      call(h.controller, 'DeleteSnapshot', { snapshot_id: snap.snapshot_id, secrets: beta }),
    );
    expect(removed.code).toBe(status.PERMISSION_DENIED);
    expect(await rbdSnapshots(h.ceph, spec(alphaNs, image))).toHaveLength(1);
    const deleted = await failure(
      call(h.controller, 'DeleteVolume', { volume_id: alpha.volume_id, secrets: beta }),
    );
    expect(deleted.code).toBe(status.PERMISSION_DENIED);
    expect(await imageBytes(alphaNs, image)).toBe(8 * MIB);
    // Alpha's own user (caps on alpha's namespace) does all of it.
    const alphaUser = await restrictedSecrets(h, `alpha-h-${run}`, alphaNs);
    const grown = await call(h.controller, 'ControllerExpandVolume', {
      volume_id: alpha.volume_id,
      capacity_range: { required_bytes: 16 * MIB },
      secrets: alphaUser,
    });
    expect(grown.capacity_bytes).toBe(String(16 * MIB));
  });
});
