import { cp, mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

/**
 * The demo's scratch space, one temp folder per run:
 *   cluster/   a copy of the policy files, which every service watches; the demo writes the objects it
 *              "creates" there (the API server stand-in), so the services see them as a cluster would
 *   tls/       the webhook's serving certificate and key
 *   csi/       the CSI sockets and cluster config
 *   kubelet/   staging and publish paths, laid out as kubelet lays them out
 */
export interface Workspace {
  readonly root: string;
  readonly cluster: string;
  readonly tls: string;
  readonly csi: string;
  readonly kubelet: string;
  /** Removes everything; refuses (and says why) while something is still mounted inside. */
  remove(): Promise<string | undefined>;
}

export async function createWorkspace(policies: string): Promise<Workspace> {
  const root = await mkdtemp(join(tmpdir(), 'corral-demo-'));
  const cluster = join(root, 'cluster');
  const info = await stat(policies);
  await mkdir(cluster, { recursive: true });
  await cp(policies, info.isDirectory() ? cluster : join(cluster, basename(policies)), { recursive: true });
  const dirs = { tls: join(root, 'tls'), csi: join(root, 'csi'), kubelet: join(root, 'kubelet') };
  for (const dir of Object.values(dirs)) await mkdir(dir, { recursive: true, mode: 0o700 });
  return {
    root,
    cluster,
    ...dirs,
    async remove() {
      const mounted = await mountsUnder(root);
      if (mounted.length > 0) return `left ${root} in place: still mounted there: ${mounted.join(', ')}`;
      await rm(root, { recursive: true, force: true });
      return undefined;
    },
  };
}

/** Mount points at or below `root`, from /proc/self/mountinfo (none where it cannot be read). */
export async function mountsUnder(root: string): Promise<string[]> {
  const info = await readFile('/proc/self/mountinfo', 'utf8').catch(() => '');
  return info
    .split('\n')
    .map((line) =>
      (line.split(' ')[4] ?? '').replace(/\\([0-7]{3})/g, (_, o: string) =>
        String.fromCharCode(parseInt(o, 8)),
      ),
    )
    .filter((point) => point === root || point.startsWith(`${root}/`));
}
