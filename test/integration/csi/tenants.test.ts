// Tenant isolation with policies: the image goes to the department's RADOS namespace, carries the
// department in its metadata, counts against requests.storage, and another department's cephx user
// (caps restricted to its own namespace) cannot touch it.
import { status } from '@grpc/grpc-js';
import { cephCli } from '../../support/ceph.js';
import { call, codeOf, createSnapshot, createVolume, startHarness, type Harness } from './harness.js';
import { claimParameters, claimYaml, departmentYaml, restrictedSecrets } from './tenant-policies.js';

const MIB = 1024 * 1024;
const run = `${process.pid}-${Date.now() % 100000}`;
const alphaNs = `alpha-${run}`;
const betaNs = `beta-${run}`;
let h: Harness;

function policiesYaml(pool: string): string {
  const dept = (name: string, radosNamespace: string, quota: string) =>
    departmentYaml(name, {
      quota: { hard: { 'requests.storage': quota } },
      storage: { pool, radosNamespace },
    });
  return (
    dept('alpha', alphaNs, '100Mi') +
    dept('beta', betaNs, '1Gi') +
    claimYaml('alpha-apps', 'data', 60) +
    unservedNamespaceYaml
  );
}

// A namespace labelled for a department no Department is served for (deleted, not created yet).
const unservedNamespaceYaml = `---
apiVersion: v1
kind: Namespace
metadata:
  name: ghost-apps
  labels: {corral.dev/department: ghost}
`;

beforeAll(async () => {
  h = await startHarness({
    policies: ({ pool }) => policiesYaml(pool),
    cleanUp: { radosNamespaces: [alphaNs, betaNs] },
  });
});

afterAll(() => h?.stop());

const create = (name: string, namespace: string, pvcName: string, bytes: number) =>
  createVolume(h, { name, bytes, parameters: claimParameters(namespace, pvcName) });

describe('tenant isolation', () => {
  it('given valid policies, /metrics reports no refused policy object', async () => {
    const metrics = await (await fetch(`http://${h.driver.ops?.address}/metrics`)).text();
    for (const kind of ['Department', 'NamespacePolicy'])
      expect(metrics).toMatch(
        new RegExp(
          `corral_invalid_policy_objects\\{kind="${kind}",reason="InvalidSpec",service="csi-controller"\\} 0\n`,
        ),
      );
  });

  it('given a PVC of department alpha, places the image in alpha’s RADOS namespace with its metadata', async () => {
    const res = await create(`pvc-alpha-${run}`, 'alpha-apps', 'data', 60 * MIB);
    const ctx = res.volume!.volume_context!;
    expect(ctx['radosNamespace']).toBe(alphaNs);
    expect(ctx['department']).toBe('alpha');
    expect(res.volume!.volume_id).toContain(alphaNs);
    const ls = await cephCli(h.ceph, ['rbd', 'ls', '--pool', h.ceph.pool, '--namespace', alphaNs]);
    expect(ls.stdout).toContain(ctx['imageName']);
    const md = await cephCli(h.ceph, [
      'rbd',
      'image-meta',
      'get',
      '--pool',
      h.ceph.pool,
      '--namespace',
      alphaNs,
      ctx['imageName']!,
      'corral.dev/department',
    ]);
    expect(md.stdout.trim()).toBe('alpha');
  });

  it('given a new claim over alpha’s requests.storage quota, answers RESOURCE_EXHAUSTED naming the quota', async () => {
    // 60Mi already claimed (the PVC in the snapshot); 50Mi more exceeds 100Mi.
    const err = await create(`pvc-alpha-big-${run}`, 'alpha-apps', 'other', 50 * MIB).catch(
      (e: { code: number; details: string }) => e,
    );
    expect((err as { code: number }).code).toBe(status.RESOURCE_EXHAUSTED);
    expect((err as { details: string }).details).toMatch(/requests\.storage quota of 100Mi/);
  });

  it('given a namespace of no department, uses the cluster’s default namespace', async () => {
    const res = await create(`pvc-none-${run}`, 'kube-public', 'x', 4 * MIB);
    expect(res.volume!.volume_context!['radosNamespace']).toBe('');
    expect(res.volume!.volume_context!['department']).toBeUndefined();
  });

  it('given a namespace labelled for a department Corral does not serve, answers FAILED_PRECONDITION and makes nothing', async () => {
    const before = await cephCli(h.ceph, ['rbd', 'ls', '--pool', h.ceph.pool]);
    const err = await create(`pvc-ghost-${run}`, 'ghost-apps', 'data', 4 * MIB).catch(
      (e: { code: number; details: string }) => e,
    );
    expect(err).toMatchObject({ code: status.FAILED_PRECONDITION });
    expect((err as { details: string }).details).toContain('corral.dev/department=ghost');
    const after = await cephCli(h.ceph, ['rbd', 'ls', '--pool', h.ceph.pool]);
    expect(after.stdout).toBe(before.stdout);
  });

  it('given beta’s cephx user (caps on its namespace only), alpha’s volume cannot be deleted', async () => {
    const alpha = await create(`pvc-alpha-${run}`, 'alpha-apps', 'data', 60 * MIB);
    const betaSecrets = await restrictedSecrets(h, `beta-${run}`, betaNs);
    const code = await codeOf(
      call(h.controller, 'DeleteVolume', {
        volume_id: alpha.volume!.volume_id,
        secrets: betaSecrets,
      }),
    );
    expect(code).toBe(status.PERMISSION_DENIED);
    const ls = await cephCli(h.ceph, ['rbd', 'ls', '--pool', h.ceph.pool, '--namespace', alphaNs]);
    expect(ls.stdout).toContain(alpha.volume!.volume_context!['imageName']);
  });

  it('given a source in another department’s storage, answers NOT_FOUND and makes nothing (one shared secret)', async () => {
    const beta = await create(`pvc-beta-src-${run}`, 'beta-apps', 'src', 8 * MIB);
    const snap = await createSnapshot(h, `snap-beta-${run}`, beta.volume!.volume_id);
    const before = await cephCli(h.ceph, ['rbd', 'ls', '--pool', h.ceph.pool, '--namespace', alphaNs]);
    const sources = [
      { snapshot: { snapshot_id: snap.snapshot!.snapshot_id } },
      { volume: { volume_id: beta.volume!.volume_id } },
    ];
    for (const [i, source] of sources.entries()) {
      const err = await createVolume(h, {
        name: `pvc-alpha-steal-${i}-${run}`,
        bytes: 8 * MIB,
        parameters: claimParameters('alpha-apps', `steal-${i}`),
        source,
      }).catch((e: { code: number; details: string }) => e);
      expect(err).toMatchObject({ code: status.NOT_FOUND });
      expect((err as { details: string }).details).toContain(
        'does not exist in the storage of department "alpha"',
      );
    }
    const after = await cephCli(h.ceph, ['rbd', 'ls', '--pool', h.ceph.pool, '--namespace', alphaNs]);
    expect(after.stdout).toBe(before.stdout);
  });
});
