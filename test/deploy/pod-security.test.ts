// Pod Security in the rendered installs. corral-system enforces only `privileged` (the CSI node plugin
// maps and mounts RBD images) and warns at `restricted` (deploy/default/namespace.yaml): every other
// pod must meet `restricted`, or each apply warns and the pod runs with more than it needs. The checks
// are those of the Pod Security Standards' restricted profile
// (https://kubernetes.io/docs/concepts/security/pod-security-standards/), plus a read-only root
// filesystem, which every Corral container and sidecar can run with.
import { join, resolve } from 'node:path';
import { type KubeObject, renderKustomization } from './kustomize.js';

const ROOT = resolve(import.meta.dirname, '../..');
const INSTALLS = ['deploy/default', 'deploy/overlays/with-cert-manager', 'deploy/overlays/second-scheduler'];
/** The one workload allowed to be privileged (the namespace's `enforce: privileged` is for it). */
const PRIVILEGED = 'DaemonSet/corral-csi-node';

interface SecurityContext {
  runAsNonRoot?: boolean;
  runAsUser?: number;
  runAsGroup?: number;
  allowPrivilegeEscalation?: boolean;
  privileged?: boolean;
  readOnlyRootFilesystem?: boolean;
  capabilities?: { add?: string[]; drop?: string[] };
  seccompProfile?: { type?: string };
}
interface Container {
  name: string;
  securityContext?: SecurityContext;
  ports?: { hostPort?: number }[];
}
interface PodSpec {
  hostNetwork?: boolean;
  hostPID?: boolean;
  hostIPC?: boolean;
  securityContext?: SecurityContext;
  containers: Container[];
  initContainers?: Container[];
  volumes?: Record<string, unknown>[];
}

const RESTRICTED_VOLUMES = new Set([
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'persistentVolumeClaim',
  'projected',
  'secret',
]);

function podSpec(workload: KubeObject): PodSpec {
  return (workload['spec'] as { template: { spec: PodSpec } }).template.spec;
}

/** The pod-level part: host namespaces, volume types, a root user. */
function podLevelProblems(pod: PodSpec): string[] {
  const problems: string[] = (['hostNetwork', 'hostPID', 'hostIPC'] as const).filter((host) => pod[host]);
  for (const volume of pod.volumes ?? []) {
    const types = Object.keys(volume).filter((key) => key !== 'name');
    if (!types.every((type) => RESTRICTED_VOLUMES.has(type)))
      problems.push(`volume ${String(volume['name'])}: ${types.join(',')}`);
  }
  if (pod.securityContext?.runAsUser === 0) problems.push('pod runAsUser 0');
  // Not a Pod Security rule, but without it a non-root user runs with the root group (gid 0).
  if ((pod.securityContext?.runAsGroup ?? 0) === 0) problems.push('pod runAsGroup unset or 0');
  return problems;
}

/** Each container-level rule: its problem, given the container's context and the pod's. */
const CONTAINER_RULES: readonly [string, (c: SecurityContext, pod: SecurityContext) => boolean][] = [
  ['privileged', (c) => c.privileged === true],
  ['allowPrivilegeEscalation not false', (c) => c.allowPrivilegeEscalation !== false],
  ['runAsNonRoot not true', (c, pod) => (c.runAsNonRoot ?? pod.runAsNonRoot) !== true],
  ['runAsUser 0', (c) => c.runAsUser === 0],
  [
    'no seccomp profile',
    (c, pod) =>
      !['RuntimeDefault', 'Localhost'].includes(c.seccompProfile?.type ?? pod.seccompProfile?.type ?? ''),
  ],
  ['capabilities not dropped', (c) => !(c.capabilities?.drop ?? []).includes('ALL')],
  ['adds capabilities', (c) => (c.capabilities?.add ?? []).some((cap) => cap !== 'NET_BIND_SERVICE')],
  ['root filesystem writable', (c) => c.readOnlyRootFilesystem !== true],
];

/** What keeps a pod from Pod Security `restricted` (and a read-only root filesystem), one line each. */
function restrictedProblems(pod: PodSpec): string[] {
  const podContext = pod.securityContext ?? {};
  const problems = podLevelProblems(pod);
  for (const c of [...(pod.initContainers ?? []), ...pod.containers]) {
    const context = c.securityContext ?? {};
    for (const [problem, breaks] of CONTAINER_RULES)
      if (breaks(context, podContext)) problems.push(`container ${c.name}: ${problem}`);
    if ((c.ports ?? []).some((p) => p.hostPort)) problems.push(`container ${c.name}: hostPort`);
  }
  return problems;
}

describe('restrictedProblems', () => {
  const good: PodSpec = {
    securityContext: {
      runAsNonRoot: true,
      runAsUser: 65532,
      runAsGroup: 65532,
      seccompProfile: { type: 'RuntimeDefault' },
    },
    containers: [
      {
        name: 'a',
        securityContext: {
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
        },
      },
    ],
    volumes: [{ name: 'v', emptyDir: {} }],
  };

  it('given a pod that meets restricted, returns nothing', () => {
    expect(restrictedProblems(good)).toEqual([]);
  });

  it.each([
    [
      'a sidecar without a securityContext',
      { containers: [...good.containers, { name: 'b' }] },
      /container b/,
    ],
    ['host networking', { hostNetwork: true }, /hostNetwork/],
    ['a hostPath volume', { volumes: [{ name: 'h', hostPath: { path: '/' } }] }, /volume h: hostPath/],
    ['no seccomp profile', { securityContext: { runAsNonRoot: true } }, /no seccomp profile/],
    [
      'no runAsGroup (the root group)',
      { securityContext: { ...good.securityContext, runAsGroup: undefined } },
      /runAsGroup unset or 0/,
    ],
  ])('given %s, names it', (_case, change, message) => {
    expect(restrictedProblems({ ...good, ...change } as PodSpec).join('\n')).toMatch(message);
  });
});

describe.each(INSTALLS)('%s: Pod Security', (dir) => {
  const workloads = renderKustomization(join(ROOT, dir)).filter(
    (o) => o.kind === 'Deployment' || o.kind === 'DaemonSet',
  );

  it('runs every pod but the CSI node plugin at Pod Security "restricted", with read-only root filesystems', () => {
    const problems = workloads
      .filter((w) => `${w.kind}/${w.metadata.name}` !== PRIVILEGED)
      .flatMap((w) => restrictedProblems(podSpec(w)).map((p) => `${w.kind}/${w.metadata.name}: ${p}`));
    expect(workloads.length).toBeGreaterThanOrEqual(4);
    expect(problems).toEqual([]);
  });

  it('keeps privilege in the CSI node plugin to its driver container', () => {
    const node = workloads.find((w) => `${w.kind}/${w.metadata.name}` === PRIVILEGED);
    if (!node) throw new Error(`${PRIVILEGED} is missing`);
    const privileged = podSpec(node)
      .containers.filter((c) => c.securityContext?.privileged)
      .map((c) => c.name);
    expect(privileged).toEqual(['csi-rbd']);
  });
});
