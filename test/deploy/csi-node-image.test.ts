// The CSI node plugin's kernel mounters against the image it runs. `rbd device map` (krbd) and rbd-nbd
// load the rbd or nbd kernel module themselves when the node has not loaded it yet, by running
// /sbin/modinfo and /sbin/modprobe (Ceph's src/common/module.c, rbd-nbd's module_load): without them
// the first map on such a node fails with "sh: 1: /sbin/modprobe: not found", "rbd: failed to load rbd
// kernel module (127)", "rbd: sysfs write failed". Debian's slim images have no kmod (priority
// important, not required), so the image must install it, and the pod must see the host's modules.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadCsiConfig } from '../../plugins/csi-ceph/src/config.js';
import { type KubeObject, renderKustomization } from './kustomize.js';

const ROOT = resolve(import.meta.dirname, '../..');

type Mounter = 'krbd' | 'rbd-nbd' | 'fuse';

/**
 * What each mounter's tool runs on its own to load a kernel module, and the Debian package that has it.
 * rbd-fuse needs none: it mounts through libfuse as root.
 */
const MODULE_LOADERS: Readonly<Record<Mounter, { programs: string[]; debianPackage?: string }>> = {
  krbd: { programs: ['/sbin/modinfo', '/sbin/modprobe'], debianPackage: 'kmod' },
  'rbd-nbd': { programs: ['/sbin/modprobe'], debianPackage: 'kmod' },
  fuse: { programs: [] },
};

/** The Debian packages the final image installs (its one `apt-get install` line). */
function imagePackages(): Set<string> {
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  const list = /apt-get install -y --no-install-recommends \\\n([^&]*)&&/.exec(dockerfile)?.[1];
  if (list === undefined) throw new Error('no apt-get install line in the Dockerfile');
  return new Set(list.split(/[\s\\]+/).filter((word) => word !== ''));
}

interface Container {
  name: string;
  args?: string[];
  securityContext?: { privileged?: boolean };
  volumeMounts?: { name: string; mountPath: string }[];
}
interface PodSpec {
  containers: Container[];
  volumes?: { name: string; hostPath?: { path: string } }[];
}

function nodePod(objects: readonly KubeObject[]): { pod: PodSpec; driver: Container } {
  const daemonSet = objects.find((o) => o.kind === 'DaemonSet' && o.metadata.name === 'corral-csi-node');
  const pod = (daemonSet?.['spec'] as { template: { spec: PodSpec } } | undefined)?.template.spec;
  const driver = pod?.containers.find((c) => c.name === 'csi-rbd');
  if (!pod || !driver) throw new Error('DaemonSet corral-csi-node has no csi-rbd container');
  return { pod, driver };
}

/** The mounter the node driver runs with, read by the driver's own config loader. */
function mounterOf(driver: Container): Mounter {
  const args = (driver.args ?? []).slice(1).map((a) => a.replaceAll('$(NODE_NAME)', 'node-1'));
  return loadCsiConfig(args, {}).mounter;
}

describe('the CSI node image', () => {
  it.each(Object.entries(MODULE_LOADERS).filter(([, loader]) => loader.debianPackage !== undefined))(
    'given --mounter=%s, installs the package of the module loader its map command runs',
    (_mounter, loader) => {
      expect([...imagePackages()]).toContain(loader.debianPackage);
    },
  );
});

describe.each(['deploy/default', 'deploy/overlays/with-cert-manager', 'deploy/overlays/second-scheduler'])(
  '%s: the CSI node plugin can load the kernel module its mounter needs',
  (dir) => {
    const { pod, driver } = nodePod(renderKustomization(join(ROOT, dir)));
    const mounter = mounterOf(driver);
    const loader = MODULE_LOADERS[mounter];

    it('given the DaemonSet mounter, the image has the loader, the pod the host modules and the privilege', () => {
      if (loader.programs.length === 0) return;
      const modules = (driver.volumeMounts ?? []).find((m) => m.mountPath === '/lib/modules');
      expect({
        mounter,
        loaderInstalled: imagePackages().has(loader.debianPackage ?? ''),
        hostModules: pod.volumes?.find((v) => v.name === modules?.name)?.hostPath?.path,
        privileged: driver.securityContext?.privileged,
      }).toEqual({ mounter, loaderInstalled: true, hostModules: '/lib/modules', privileged: true });
    });
  },
);
