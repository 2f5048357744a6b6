// A CSI controller's command line over a temp dir, for the tests of `corral csi`: the dir holds its
// unix socket and its cluster config file.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One cluster whose monitor nobody answers at: the driver starts, and never reaches Ceph. */
export const UNREACHABLE_CLUSTERS = JSON.stringify([{ clusterID: 'a', monitors: ['127.0.0.1:1'] }]);

export interface ControllerDir {
  readonly dir: string;
  /** `<dir>/s.sock`, the gRPC endpoint. */
  readonly socket: string;
  /** `--role controller --endpoint unix://<socket> --cluster-config <dir>/c.json`. */
  readonly args: readonly string[];
  /** Removes the dir and all in it. */
  remove(): Promise<void>;
}

/** A fresh temp dir with `clusters` as its cluster config (c.json), and a controller's flags. */
export async function controllerDir(clusters = UNREACHABLE_CLUSTERS): Promise<ControllerDir> {
  const dir = await mkdtemp(join(tmpdir(), 'csi-cmd-'));
  await writeFile(join(dir, 'c.json'), clusters);
  const socket = join(dir, 's.sock');
  return {
    dir,
    socket,
    args: ['--role', 'controller', '--endpoint', `unix://${socket}`, '--cluster-config', join(dir, 'c.json')],
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
