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
