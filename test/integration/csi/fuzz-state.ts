// What the CSI fuzz suites compare before and after: the Ceph side (every object of the pool in every
// RADOS namespace, the journals' omap keys, the pools, a volume's snapshots) through the CLIs, and the
// files and mounts under a directory on the node.
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { cephCli, type CephEnv } from '../../support/ceph.js';

const JOURNAL = 'csi.corral.journal';

async function lines(env: CephEnv, args: readonly [string, ...string[]]): Promise<string[]> {
  const out = await cephCli(env, args as ['rados', ...string[]]);
  if (out.code !== 0) throw new Error(`${args.join(' ')}: ${out.stderr}`);
  return out.stdout.split('\n').filter((line) => line !== '');
}

/**
 * The pool's objects (`namespace<TAB>object`: images' headers and ids, RBD namespaces, journals), the
 * omap keys of every journal, the cluster's pools, and the snapshots of `image` (in the pool's default
 * namespace): everything a request could have left behind.
 */
export async function cephState(env: CephEnv, image: string): Promise<string[]> {
  const objects = (await lines(env, ['rados', '-p', env.pool, 'ls', '--all'])).sort();
  const state = [...objects.map((o) => `object ${o}`)];
  for (const entry of objects) {
    const [namespace = '', object = ''] = entry.split('\t');
    if (object !== JOURNAL) continue;
    const keys = await lines(env, ['rados', '-p', env.pool, '-N', namespace, 'listomapkeys', JOURNAL]);
    state.push(...keys.sort().map((key) => `journal ${namespace}/${key}`));
  }
  state.push(...(await lines(env, ['ceph', 'osd', 'pool', 'ls'])).map((pool) => `pool ${pool}`));
  const snaps = await lines(env, ['rbd', 'snap', 'ls', '--all', `${env.pool}/${image}`]);
  state.push(...snaps.slice(1).map((line) => `snap ${line.trim().split(/\s+/)[1] ?? line}`));
  return state;
}

/** Every path under `dir` with its type, size and (for links) target: what a call created or removed. */
export async function treeOf(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (path: string): Promise<void> => {
    const info = await lstat(path).catch(() => undefined);
    if (!info) return;
    if (info.isSymbolicLink()) {
      out.push(`${path} -> ${await readlink(path)}`);
      return;
    }
    if (!info.isDirectory()) {
      out.push(`${path} file ${info.size}`);
      return;
    }
    out.push(`${path}/`);
    for (const entry of (await readdir(path)).sort()) await walk(join(path, entry));
  };
  await walk(dir);
  return out;
}

/** The mount points at or under `dir`. */
export async function mountPointsUnder(dir: string): Promise<string[]> {
  const table = await readFile('/proc/self/mountinfo', 'utf8');
  return table
    .split('\n')
    .map((line) => line.split(' ')[4] ?? '')
    .filter((point) => point === dir || point.startsWith(`${dir}/`));
}
