// The CSI driver's pods in the default install, held to the driver's code and to the pinned
// kubernetes-csi sidecars: one socket path between the driver, its sidecars and kubelet's plugin
// registration; a CSIDriver object that matches the capabilities the driver advertises; sidecars that
// wait for the driver's answer rather than cancel it; and the node plugin's key files kept off disk.
import { readdirSync, readFileSync } from 'node:fs';
import { join, posix, resolve } from 'node:path';
import { DRIVER_NAME, loadCsiConfig, socketPath } from '../../plugins/csi-ceph/src/config.js';
import { controllerCapabilities } from '../../plugins/csi-ceph/src/transport/controller/controller-service.js';
import { type KubeObject, renderKustomization } from './kustomize.js';

const ROOT = resolve(import.meta.dirname, '../..');
const objects = renderKustomization(join(ROOT, 'deploy/default'));

interface Container {
  name: string;
  image: string;
  args?: string[];
  env?: { name: string; value?: string }[];
  volumeMounts?: { name: string; mountPath: string; mountPropagation?: string; readOnly?: boolean }[];
  ports?: { name?: string; containerPort: number }[];
  livenessProbe?: { httpGet?: { port?: string | number }; timeoutSeconds?: number };
}
interface Volume {
  name: string;
  hostPath?: { path: string };
  emptyDir?: { medium?: string; sizeLimit?: string };
}
interface PodSpec {
  containers: Container[];
  volumes?: Volume[];
}

function find(kind: string, name: string): KubeObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`${kind} ${name} is missing`);
  return found;
}
const podOf = (kind: string, name: string) =>
  (find(kind, name)['spec'] as { template: { spec: PodSpec } }).template.spec;
function containerOf(pod: PodSpec, name: string): Container {
  const found = pod.containers.find((c) => c.name === name);
  if (!found) throw new Error(`no container ${name}`);
  return found;
}
/** The value of `--flag=value` in a container's args. */
const flag = (c: Container, name: string) =>
  c.args?.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
/** The driver's configuration, read by its own loader from the container's args. */
const driverConfig = (c: Container) =>
  loadCsiConfig(
    (c.args ?? []).slice(1).map((a) => a.replaceAll('$(NODE_NAME)', 'node-1')),
    {},
  );

/** The volume mounted at the directory that holds `file` in the container, and where. */
function volumeHolding(pod: PodSpec, c: Container, file: string) {
  const mount = (c.volumeMounts ?? []).find((m) => posix.dirname(file) === m.mountPath);
  return { mount, volume: pod.volumes?.find((v) => v.name === mount?.name) };
}

const controller = podOf('Deployment', 'corral-csi-controller');
const node = podOf('DaemonSet', 'corral-csi-node');
const controllerDriver = containerOf(controller, 'csi-rbd');
const nodeDriver = containerOf(node, 'csi-rbd');

describe('the CSI socket', () => {
  it('given the controller pod, every sidecar dials the socket the driver listens on, in one volume', () => {
    const socket = socketPath(driverConfig(controllerDriver).endpoint);
    const volume = volumeHolding(controller, controllerDriver, socket).volume;
    expect(volume?.emptyDir).toBeDefined();
    for (const sidecar of controller.containers.filter((c) => c !== controllerDriver)) {
      const address = flag(sidecar, 'csi-address');
      expect({ sidecar: sidecar.name, address }).toEqual({ sidecar: sidecar.name, address: socket });
      expect(volumeHolding(controller, sidecar, socket).volume?.name).toBe(volume?.name);
    }
  });

  it("given the node pod, kubelet is told the host path of the driver's socket and finds the registration", () => {
    const socket = socketPath(driverConfig(nodeDriver).endpoint);
    const hostDir = volumeHolding(node, nodeDriver, socket).volume?.hostPath?.path;
    expect(hostDir).toBe(`/var/lib/kubelet/plugins/${DRIVER_NAME}`);
    const registrar = containerOf(node, 'node-driver-registrar');
    expect(flag(registrar, 'csi-address')).toBe(socket);
    expect(volumeHolding(node, registrar, socket).volume?.hostPath?.path).toBe(hostDir);
    expect(flag(registrar, 'kubelet-registration-path')).toBe(`${hostDir}/${posix.basename(socket)}`);
    // node-driver-registrar's default --plugin-registration-path, on kubelet's plugin watcher directory.
    const registration = (registrar.volumeMounts ?? []).find((m) => m.mountPath === '/registration');
    const registrationVolume = node.volumes?.find((v) => v.name === registration?.name);
    expect(registrationVolume?.hostPath?.path).toBe('/var/lib/kubelet/plugins_registry');
    expect(flag(containerOf(node, 'liveness-probe'), 'csi-address')).toBe(socket);
  });

  it("given the node driver, it sees kubelet's directory at the same path, and its mounts reach kubelet", () => {
    const kubelet = (nodeDriver.volumeMounts ?? []).find((m) => m.mountPath === '/var/lib/kubelet');
    expect(node.volumes?.find((v) => v.name === kubelet?.name)?.hostPath?.path).toBe('/var/lib/kubelet');
    expect(kubelet?.mountPropagation).toBe('Bidirectional');
  });
});

describe('the CSIDriver, StorageClass and VolumeSnapshotClass', () => {
  it('given the driver name, all three name it', () => {
    find('CSIDriver', DRIVER_NAME);
    expect(find('StorageClass', 'corral-rbd')['provisioner']).toBe(DRIVER_NAME);
    expect(find('VolumeSnapshotClass', 'corral-rbd-snapshots')['driver']).toBe(DRIVER_NAME);
  });

  it('given the controller capabilities, asks for attachment exactly when the driver publishes', () => {
    const rpcs = controllerCapabilities({ controllerCredentials: {} } as never).capabilities?.map(
      (c) => c.rpc?.type,
    );
    const spec = find('CSIDriver', DRIVER_NAME)['spec'] as { attachRequired?: boolean };
    expect(spec.attachRequired).toBe(rpcs?.includes('PUBLISH_UNPUBLISH_VOLUME') ?? false);
  });
});

/**
 * Each controller sidecar's CSI call timeout, as the pinned images define `--timeout` by default
 * (cmd/ of each at its tag). Pinning another version means checking its default here.
 */
const SIDECAR_TIMEOUT_DEFAULTS: Readonly<Record<string, number>> = {
  'registry.k8s.io/sig-storage/csi-provisioner:v5.2.0': 10,
  'registry.k8s.io/sig-storage/csi-resizer:v1.13.2': 10,
  'registry.k8s.io/sig-storage/csi-snapshotter:v8.2.1': 60,
};

/** A Go duration of seconds, minutes or hours (`150s`, `5m`) in seconds. */
function seconds(duration: string): number {
  const match = /^(\d+)(s|m|h)$/.exec(duration);
  if (!match) throw new Error(`unreadable duration ${duration}`);
  return Number(match[1]) * { s: 1, m: 60, h: 3600 }[match[2] as 's' | 'm' | 'h'];
}

describe('the controller sidecars', () => {
  it("given the driver's Ceph timeout, each sidecar waits for the answer of a connect plus an operation", () => {
    // The driver answers UNAVAILABLE once Ceph has not answered within --ceph-timeout, for the
    // connect and for each operation after it. A sidecar that gives up first cancels the call with
    // DEADLINE_EXCEEDED instead, and retries while the driver still holds the volume's lock.
    const ceph = driverConfig(controllerDriver).cephTimeoutSeconds;
    const sidecars = controller.containers.filter((c) => c.image in SIDECAR_TIMEOUT_DEFAULTS);
    expect(sidecars.map((c) => c.name).sort()).toEqual(['csi-provisioner', 'csi-resizer', 'csi-snapshotter']);
    for (const c of sidecars) {
      const explicit = flag(c, 'timeout');
      const timeout = explicit === undefined ? SIDECAR_TIMEOUT_DEFAULTS[c.image] : seconds(explicit);
      expect({ sidecar: c.name, atLeast: (timeout ?? 0) >= 2 * ceph }).toEqual({
        sidecar: c.name,
        atLeast: true,
      });
    }
  });
});

describe('the tenant metadata the sidecars pass', () => {
  it('given tenant isolation, the provisioner and the snapshotter pass the claim’s and the VolumeSnapshot’s namespace', () => {
    // CreateVolume places a volume by csi.storage.k8s.io/pvc/namespace, and CreateSnapshot refuses a
    // VolumeSnapshot of another department's namespace by csi.storage.k8s.io/volumesnapshot/namespace
    // (docs/csi-ceph.md, "Tenant isolation"): both come only with --extra-create-metadata. The resizer
    // has no such flag for ControllerExpandVolume (its --extra-modify-metadata is for ModifyVolume).
    for (const name of ['csi-provisioner', 'csi-snapshotter'])
      expect({
        sidecar: name,
        metadata: flag(containerOf(controller, name), 'extra-create-metadata'),
      }).toEqual({
        sidecar: name,
        metadata: 'true',
      });
  });
});

/**
 * The livenessprobe sidecar's `--probe-timeout` by default (cmd/livenessprobe at its tag), in seconds:
 * how long it gives one connect plus Probe to the driver before it answers 500.
 */
const PROBE_TIMEOUT_DEFAULTS: Readonly<Record<string, number>> = {
  'registry.k8s.io/sig-storage/livenessprobe:v2.15.0': 1,
};
/** kubelet's probe timeout when a probe sets no timeoutSeconds. */
const KUBELET_PROBE_TIMEOUT_DEFAULT = 1;

/** The container port number a probe's `port` (a name or a number) means in container `c`. */
const portNumber = (c: Container, port: string | number | undefined) =>
  typeof port === 'number' ? port : c.ports?.find((p) => p.name === port)?.containerPort;

describe('the liveness probes the livenessprobe sidecar answers', () => {
  it.each([
    ['controller', controller],
    ['node', node],
  ])('given the %s pod, kubelet waits longer than the sidecar waits for the driver', (_pod, pod) => {
    // kubelet gives up at its own timeoutSeconds. If that is not longer than the sidecar's
    // --probe-timeout, a Probe the sidecar still counts as healthy (answered just within its time)
    // reaches kubelet too late and counts as a failure: kubelet, not the sidecar, then decides.
    const sidecars = pod.containers.filter((c) => c.image in PROBE_TIMEOUT_DEFAULTS);
    expect(sidecars.map((c) => c.name)).toEqual(['liveness-probe']);
    const sidecar = sidecars[0] as Container;
    const served = Number(flag(sidecar, 'http-endpoint')?.split(':').pop());
    const explicit = flag(sidecar, 'probe-timeout');
    const probeTimeout = explicit === undefined ? PROBE_TIMEOUT_DEFAULTS[sidecar.image] : seconds(explicit);
    const probed = pod.containers.filter(
      (c) => portNumber(c, c.livenessProbe?.httpGet?.port) === served && !Number.isNaN(served),
    );
    expect(probed.map((c) => c.name)).toEqual(['csi-rbd']);
    for (const c of probed) {
      const kubelet = c.livenessProbe?.timeoutSeconds ?? KUBELET_PROBE_TIMEOUT_DEFAULT;
      expect({ container: c.name, kubeletWaitsLonger: kubelet > (probeTimeout ?? Infinity) }).toEqual({
        container: c.name,
        kubeletWaitsLonger: true,
      });
    }
  });
});

/**
 * The flags each pinned kubernetes-csi image defines (flag.* in its cmd/ at the tag), beside klog's
 * `--v` and `--vmodule`. An unknown flag stops the sidecar at start ("flag provided but not
 * defined"), so pinning another version means checking its flags here.
 */
const KLOG_FLAGS = ['v', 'vmodule'];
/** The flags the three controller sidecars share (kubernetes-csi's common and leader-election flags). */
const CONTROLLER_SIDECAR_FLAGS = [
  'csi-address',
  'feature-gates',
  'http-endpoint',
  'kube-api-burst',
  'kube-api-qps',
  'kubeconfig',
  'leader-election',
  'leader-election-lease-duration',
  'leader-election-namespace',
  'leader-election-renew-deadline',
  'leader-election-retry-period',
  'metrics-address',
  'metrics-path',
  'retry-interval-max',
  'retry-interval-start',
  'timeout',
  'version',
];
const SIDECAR_FLAGS: Readonly<Record<string, readonly string[]>> = {
  'registry.k8s.io/sig-storage/csi-provisioner:v5.2.0': [
    ...CONTROLLER_SIDECAR_FLAGS,
    'capacity-for-immediate-binding',
    'capacity-ownerref-level',
    'capacity-poll-interval',
    'capacity-threads',
    'cloning-protection-threads',
    'controller-publish-readonly',
    'default-fstype',
    'enable-capacity',
    'enable-pprof',
    'extra-create-metadata',
    'immediate-topology',
    'kube-api-capacity-burst',
    'kube-api-capacity-qps',
    'master',
    'node-deployment',
    'node-deployment-base-delay',
    'node-deployment-immediate-binding',
    'node-deployment-max-delay',
    'prevent-volume-mode-conversion',
    'strict-topology',
    'volume-name-prefix',
    'volume-name-uuid-length',
    'worker-threads',
  ],
  'registry.k8s.io/sig-storage/csi-resizer:v1.13.2': [
    ...CONTROLLER_SIDECAR_FLAGS,
    'extra-modify-metadata',
    'handle-volume-inuse-error',
    'master',
    'resync-period',
    'workers',
  ],
  'registry.k8s.io/sig-storage/csi-snapshotter:v8.2.1': [
    ...CONTROLLER_SIDECAR_FLAGS,
    'extra-create-metadata',
    'groupsnapshot-name-prefix',
    'groupsnapshot-name-uuid-length',
    'node-deployment',
    'resync-period',
    'snapshot-name-prefix',
    'snapshot-name-uuid-length',
    'worker-threads',
  ],
  'registry.k8s.io/sig-storage/livenessprobe:v2.15.0': [
    'csi-address',
    'health-port',
    'http-endpoint',
    'metrics-address',
    'metrics-path',
    'probe-timeout',
  ],
  'registry.k8s.io/sig-storage/csi-node-driver-registrar:v2.13.0': [
    'connection-timeout',
    'csi-address',
    'enable-pprof',
    'health-port',
    'http-endpoint',
    'kubelet-registration-path',
    'mode',
    'plugin-registration-path',
    'timeout',
    'version',
  ],
};

describe('the kubernetes-csi sidecars', () => {
  it.each([
    ['controller', controller],
    ['node', node],
  ])('given the %s pod, each sidecar is a pinned image started with flags it defines', (_pod, pod) => {
    const sidecars = pod.containers.filter((c) => c.image.startsWith('registry.k8s.io/sig-storage/'));
    expect(sidecars.length).toBeGreaterThan(0);
    for (const c of sidecars) {
      const known = new Set([...(SIDECAR_FLAGS[c.image] ?? []), ...KLOG_FLAGS]);
      const unknown = (c.args ?? [])
        .map((arg) => /^--?([a-z0-9-]+)/.exec(arg)?.[1] ?? `(not a flag: ${arg})`)
        .filter((name) => !known.has(name));
      expect({ sidecar: c.name, pinned: c.image in SIDECAR_FLAGS, unknown }).toEqual({
        sidecar: c.name,
        pinned: true,
        unknown: [],
      });
    }
  });
});

describe('the node plugin', () => {
  it('given the mounters write key files under the temporary directory, keeps it in memory', () => {
    const dir = join(ROOT, 'plugins/csi-ceph/src/effects/node');
    const keyFileWriters = readdirSync(dir)
      .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
      .filter((file) =>
        /mkdtemp\(join\(tmpdir\(\), 'corral-csi-key-'\)\)/.test(readFileSync(join(dir, file), 'utf8')),
      );
    expect(keyFileWriters.length).toBeGreaterThan(0);
    expect((nodeDriver.env ?? []).map((e) => e.name)).not.toContain('TMPDIR');
    const { mount, volume } = volumeHolding(node, nodeDriver, '/tmp/corral-csi-key-x');
    expect(mount?.readOnly).not.toBe(true);
    expect(volume?.emptyDir?.medium).toBe('Memory');
  });
});
