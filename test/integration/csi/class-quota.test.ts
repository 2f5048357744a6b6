// CreateVolume's own quota check covers every claim key of ResourceQuota, not only the department's
// requests.storage: the per-StorageClass keys (the claim's class from the snapshot) and the claim
// counts. A claim the snapshot holds is counted already (the check is that the department is not
// over); a claim it does not hold yet adds one claim and its size, and no class (unknown).
import { status } from '@grpc/grpc-js';
import { cephCli } from '../../support/ceph.js';
import { createVolume, startHarness, type Harness } from './harness.js';
import { claimParameters, claimYaml, departmentYaml } from './tenant-policies.js';

const MIB = 1024 * 1024;
const run = `${process.pid}-${Date.now() % 100000}`;
const GOLD = 'gold.storageclass.storage.k8s.io';
const SILVER = 'silver.storageclass.storage.k8s.io';
const gammaNs = `gamma-${run}`;
const deltaNs = `delta-${run}`;
let h: Harness;

function policiesYaml(pool: string): string {
  const dept = (name: string, radosNamespace: string, hard: Record<string, string>) =>
    departmentYaml(name, { quota: { hard }, storage: { pool, radosNamespace } });
  // gamma: gold claims over their 100Mi (110Mi, e.g. admitted before the quota was lowered), silver
  // claims over their count of 1; 134Mi in all, well within requests.storage.
  const gamma =
    dept('gamma', gammaNs, {
      'requests.storage': '1Gi',
      [`${GOLD}/requests.storage`]: '100Mi',
      [`${SILVER}/persistentvolumeclaims`]: '1',
    }) +
    claimYaml('gamma-apps', 'gold-a', 60, 'gold') +
    claimYaml('gamma-apps', 'gold-b', 50, 'gold') +
    claimYaml('gamma-apps', 'silver-a', 8, 'silver') +
    claimYaml('gamma-apps', 'silver-b', 8, 'silver') +
    claimYaml('gamma-apps', 'plain', 8);
  // delta: one claim of one allowed.
  const delta =
    dept('delta', deltaNs, { persistentvolumeclaims: '1' }) + claimYaml('delta-apps', 'only', 8, 'gold');
  return gamma + delta;
}

beforeAll(async () => {
  h = await startHarness({
    policies: ({ pool }) => policiesYaml(pool),
    cleanUp: { radosNamespaces: [gammaNs, deltaNs] },
  });
});

afterAll(() => h?.stop());

const create = (namespace: string, pvcName: string, mib: number) =>
  createVolume(h, {
    name: `pvc-${namespace}-${pvcName}-${run}`,
    bytes: mib * MIB,
    parameters: claimParameters(namespace, pvcName),
  });

const refusal = (p: Promise<unknown>) =>
  p.then(
    () => ({ code: status.OK, details: 'created' }),
    (e: { code: number; details: string }) => e,
  );

const images = async (radosNamespace: string) =>
  (await cephCli(h.ceph, ['rbd', 'ls', '--pool', h.ceph.pool, '--namespace', radosNamespace])).stdout;

describe('CreateVolume against per-class and claim-count quota keys', () => {
  it('given a gold claim while gold claims exceed gold requests.storage, answers RESOURCE_EXHAUSTED naming the key and makes nothing', async () => {
    const before = await images(gammaNs);
    const err = await refusal(create('gamma-apps', 'gold-b', 50));
    expect(err.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(err.details).toContain(
      `would use 110Mi of storage of StorageClass "gold", over its ${GOLD}/requests.storage quota of 100Mi`,
    );
    expect(await images(gammaNs)).toBe(before);
  });

  it('given a silver claim while silver claims exceed their count, answers RESOURCE_EXHAUSTED naming the key', async () => {
    const err = await refusal(create('gamma-apps', 'silver-b', 8));
    expect(err.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(err.details).toContain(
      `2 PersistentVolumeClaims of StorageClass "silver", over its ${SILVER}/persistentvolumeclaims quota of 1`,
    );
  });

  it('given a claim without class in the same department, creates it (it counts under no class)', async () => {
    const res = await create('gamma-apps', 'plain', 8);
    expect(res.volume!.volume_context!['department']).toBe('gamma');
  });

  it('given a claim the snapshot does not hold yet, checks the keys of every class only (its class is unknown)', async () => {
    const res = await create('gamma-apps', 'not-seen-yet', 8);
    expect(res.volume!.volume_context!['radosNamespace']).toBe(gammaNs);
  });

  it('given persistentvolumeclaims: 1, the counted claim is created and a claim not yet counted is refused', async () => {
    const res = await create('delta-apps', 'only', 8);
    expect(res.volume!.volume_context!['department']).toBe('delta');
    const err = await refusal(create('delta-apps', 'second', 8));
    expect(err.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(err.details).toContain(
      'would use 2 PersistentVolumeClaims, over its persistentvolumeclaims quota of 1',
    );
  });
});
