// Tenant isolation of volumes made from a source when departments share storage: gamma and delta
// have no `spec.storage`, so their volumes sit side by side in the cluster's shared space, each
// recorded with its department. A snapshot or volume of gamma's must not become delta's (or a volume
// of no department): NOT_FOUND, naming no other tenant, and nothing made. The same secret serves
// everybody (as the shipped StorageClass does), so Ceph's caps cannot tell them apart.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { cephCli } from '../../support/ceph.js';
import { createSnapshot, createVolume, startHarness, type Harness } from './harness.js';
import { claimParameters, departmentYaml } from './tenant-policies.js';

const MIB = 1024 * 1024;
const run = `${process.pid}-${Date.now() % 100000}`;
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ policies: departmentYaml('gamma') + departmentYaml('delta'), cleanUp: true });
});

afterAll(() => h?.stop());

/** CreateVolume for a PVC of `namespace` (undefined: no PVC namespace in the parameters). */
const create = (name: string, namespace: string | undefined, source?: object) =>
  createVolume(h, { name, bytes: 8 * MIB, parameters: claimParameters(namespace, name), source });

const images = async () => (await cephCli(h.ceph, ['rbd', 'ls', '--pool', h.ceph.pool])).stdout;
const journalKeys = async () =>
  (await cephCli(h.ceph, ['rados', '-p', h.ceph.pool, 'listomapkeys', 'csi.corral.journal'])).stdout;

describe('sources of departments without their own storage', () => {
  it('given gamma’s snapshot or volume, a volume of delta or of no department is NOT_FOUND and nothing is made', async () => {
    const gamma = (await create(`pvc-gamma-src-${run}`, 'gamma-apps')).volume!;
    expect(gamma.volume_context!['department']).toBe('gamma');
    const snap = (await createSnapshot(h, `snap-gamma-${run}`, gamma.volume_id)).snapshot!;
    const sources = [
      { snapshot: { snapshot_id: snap.snapshot_id } },
      { volume: { volume_id: gamma.volume_id } },
    ];
    const before = await images();
    for (const [i, source] of sources.entries()) {
      for (const namespace of ['delta-apps', 'kube-public', undefined]) {
        const name = `pvc-steal-${i}-${namespace ?? 'none'}-${run}`;
        const err = await create(name, namespace, source).catch((e: { code: number; details: string }) => e);
        expect(err, `${name}`).toMatchObject({ code: status.NOT_FOUND });
        expect((err as { details: string }).details).not.toContain('gamma');
        expect(await journalKeys()).not.toContain(name);
      }
    }
    expect(await images()).toBe(before);
    expect(
      (await cephCli(h.ceph, ['rbd', 'snap', 'ls', `${h.ceph.pool}/${gamma.volume_context!['imageName']}`]))
        .stdout,
    ).toContain('csi-snap-');
  });

  it('given gamma’s own snapshot or volume, or a volume of no department, gamma’s new volume is made from it', async () => {
    const gamma = (await create(`pvc-gamma-own-${run}`, 'gamma-apps')).volume!;
    const snap = (await createSnapshot(h, `snap-gamma-own-${run}`, gamma.volume_id)).snapshot!;
    const shared = (await create(`pvc-shared-${run}`, 'kube-public')).volume!;
    const sources = [
      { snapshot: { snapshot_id: snap.snapshot_id } },
      { volume: { volume_id: gamma.volume_id } },
      { volume: { volume_id: shared.volume_id } },
    ];
    for (const [i, source] of sources.entries()) {
      const made = (await create(`pvc-gamma-copy-${i}-${run}`, 'gamma-apps', source)).volume!;
      expect(made.volume_context!['department']).toBe('gamma');
      expect(made.content_source).toMatchObject(source);
    }
  });

  it('given gamma’s snapshot recorded before snapshots kept their department, delta’s restore is still NOT_FOUND', async () => {
    const gamma = (await create(`pvc-gamma-old-${run}`, 'gamma-apps')).volume!;
    const snap = (await createSnapshot(h, `snap-gamma-old-${run}`, gamma.volume_id)).snapshot!;
    const key = `su/${snap.snapshot_id!.split('.').pop()}`;
    const rados = (...args: string[]) => cephCli(h.ceph, ['rados', '-p', h.ceph.pool, ...args]);
    const file = join(h.dir, 'record.json');
    expect((await rados('getomapval', 'csi.corral.journal', key, file)).code).toBe(0);
    const record = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    expect(record['department']).toBe('gamma');
    delete record['department'];
    expect((await rados('setomapval', 'csi.corral.journal', key, JSON.stringify(record))).code).toBe(0);

    const err = await create(`pvc-steal-old-${run}`, 'delta-apps', {
      snapshot: { snapshot_id: snap.snapshot_id },
    }).catch((e: { code: number }) => e);
    expect(err).toMatchObject({ code: status.NOT_FOUND });
    await create(`pvc-gamma-old-copy-${run}`, 'gamma-apps', { snapshot: { snapshot_id: snap.snapshot_id } });
  });
});
