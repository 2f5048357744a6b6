// CreateVolume's own quota check covers every claim key of ResourceQuota, not only the department's
// requests.storage: the per-StorageClass keys (the claim's class from the snapshot) and the claim
// counts. A claim the snapshot holds is counted already (the check is that the department is not
// over); a claim it does not hold yet adds one claim and its size, and no class (unknown).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { cephCli, startCeph } from '../../support/ceph.js';
import { call, CLUSTER_ID, MOUNT_RWO, startHarness, type Harness } from './harness.js';

const MIB = 1024 * 1024;
const run = `${process.pid}-${Date.now() % 100000}`;
const GOLD = 'gold.storageclass.storage.k8s.io';
const SILVER = 'silver.storageclass.storage.k8s.io';
const gammaNs = `gamma-${run}`;
const deltaNs = `delta-${run}`;
let h: Harness;
let policies: string;
const made: string[] = [];

const pvc = (namespace: string, name: string, mib: number, storageClass?: string) => `---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: ${name}, namespace: ${namespace}}
spec:
  accessModes: [ReadWriteOnce]
  ${storageClass ? `storageClassName: ${storageClass}` : ''}
  resources: {requests: {storage: ${mib}Mi}}
`;

function policiesYaml(pool: string): string {
  const dept = (name: string, ns: string, hard: string) => `---
apiVersion: corral.dev/v1alpha1
kind: Department
metadata: {name: ${name}}
spec:
  quota: {hard: {${hard}}}
  storage: {pool: ${pool}, radosNamespace: ${ns}}
---
apiVersion: v1
kind: Namespace
metadata:
  name: ${name}-apps
  labels: {corral.dev/department: ${name}}
`;
  // gamma: gold claims over their 100Mi (110Mi, e.g. admitted before the quota was lowered), silver
  // claims over their count of 1; 134Mi in all, well within requests.storage.
  const gamma =
    dept(
      'gamma',
      gammaNs,
      `requests.storage: 1Gi, ${GOLD}/requests.storage: 100Mi, ${SILVER}/persistentvolumeclaims: '1'`,
    ) +
    pvc('gamma-apps', 'gold-a', 60, 'gold') +
    pvc('gamma-apps', 'gold-b', 50, 'gold') +
    pvc('gamma-apps', 'silver-a', 8, 'silver') +
    pvc('gamma-apps', 'silver-b', 8, 'silver') +
    pvc('gamma-apps', 'plain', 8);
  // delta: one claim of one allowed.
  const delta = dept('delta', deltaNs, `persistentvolumeclaims: '1'`) + pvc('delta-apps', 'only', 8, 'gold');
  return gamma + delta;
}

beforeAll(async () => {
  const ceph = await startCeph();
  policies = await mkdtemp(join(tmpdir(), 'corral-csi-class-quota-'));
  await writeFile(join(policies, 'all.yaml'), policiesYaml(ceph.pool));
  h = await startHarness({ ceph, extraArgs: ['--policies', policies] });
});

afterAll(async () => {
  for (const volumeId of made)
    await call(h.controller, 'DeleteVolume', { volume_id: volumeId, secrets: h.secrets }).catch(
      () => undefined,
    );
  await h?.stop();
  if (policies) await rm(policies, { recursive: true, force: true });
});

async function create(namespace: string, pvcName: string, mib: number) {
  const res = await call(h.controller, 'CreateVolume', {
    name: `pvc-${namespace}-${pvcName}-${run}`,
    capacity_range: { required_bytes: mib * MIB },
    volume_capabilities: [MOUNT_RWO],
    parameters: {
      clusterID: CLUSTER_ID,
      pool: h.ceph.pool,
      'csi.storage.k8s.io/pvc/namespace': namespace,
      'csi.storage.k8s.io/pvc/name': pvcName,
    },
    secrets: h.secrets,
  });
  made.push(res.volume!.volume_id!);
  return res;
}

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
