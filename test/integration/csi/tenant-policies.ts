// The tenant suites' policies and tenants (test/integration/csi/tenant*.test.ts, class-quota,
// capacity-department): Departments with their Namespace and claims as the driver reads them with
// --policies (HarnessOptions.policies), a claim's CreateVolume parameters, and a cephx user whose
// caps cover one RADOS namespace only.
import { cephCli } from '../../support/ceph.js';
import type { Harness } from './harness.js';

/**
 * A Department `name` with `spec` (JSON is YAML) and its Namespace `<name>-apps`, labelled as the
 * Department's.
 */
export function departmentYaml(name: string, spec: object = {}): string {
  return `---
apiVersion: corral.dev/v1alpha1
kind: Department
metadata: {name: ${name}}
spec: ${JSON.stringify(spec)}
---
apiVersion: v1
kind: Namespace
metadata:
  name: ${name}-apps
  labels: {corral.dev/department: ${name}}
`;
}

/** A ReadWriteOnce PersistentVolumeClaim of `mib` MiB, of `storageClass` when given. */
export function claimYaml(namespace: string, name: string, mib: number, storageClass?: string): string {
  return `---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: ${name}, namespace: ${namespace}}
spec:
  accessModes: [ReadWriteOnce]
  ${storageClass ? `storageClassName: ${storageClass}` : ''}
  resources: {requests: {storage: ${mib}Mi}}
`;
}

/**
 * The CreateVolume parameters external-provisioner adds for the claim `name` of `namespace`
 * (--extra-create-metadata); none without a namespace.
 */
export function claimParameters(namespace: string | undefined, name: string): Record<string, string> {
  return namespace === undefined
    ? {}
    : { 'csi.storage.k8s.io/pvc/namespace': namespace, 'csi.storage.k8s.io/pvc/name': name };
}

/**
 * CSI secrets of a new cephx user `client.<id>` whose osd caps cover `namespace` of the harness's
 * pool only (as a department's own secret holds); the user is removed when the harness stops.
 */
export async function restrictedSecrets(h: Harness, id: string, namespace: string) {
  const user = `client.${id}`;
  const osdCaps = `profile rbd pool=${h.ceph.pool} namespace=${namespace}`;
  const made = await cephCli(h.ceph, [
    'ceph',
    'auth',
    'get-or-create',
    user,
    'mon',
    'profile rbd',
    'osd',
    osdCaps,
  ]);
  expect(made.code).toBe(0);
  h.onStop(() => cephCli(h.ceph, ['ceph', 'auth', 'rm', user]));
  const key = (await cephCli(h.ceph, ['ceph', 'auth', 'print-key', user])).stdout.trim();
  return { userID: id, userKey: key };
}
