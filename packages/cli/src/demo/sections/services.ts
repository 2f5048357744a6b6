import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startAdmission } from '@corral/admission';
import { loadCsiConfig, startDriver } from '@corral/csi-ceph';
import { createLogger, type ProcessLike } from '@corral/runtime';
import { loadExtenderConfig, runExtender } from '@corral/scheduler-extender';
import type { CephConnection } from '../effects/local-ceph.js';
import { LogTap } from '../effects/log-tap.js';
import type { ServingFiles } from '../effects/tls-files.js';
import type { Workspace } from '../effects/workspace.js';

/**
 * Starts Corral's services for real, each on a loopback port or a socket in the workspace, with the
 * workspace's copy of the policies, its logs going to a LogTap. The demo owns their lifecycle: signals
 * and exit are not theirs to handle (a no-op process), `stop()` runs each one's graceful shutdown.
 */
export interface RunningService {
  readonly name: string;
  /** https://…, http://… or unix://… */
  readonly endpoint: string;
  readonly tap: LogTap;
  stop(): Promise<void>;
}

const OWNED_BY_THE_DEMO: ProcessLike = { on: () => undefined, off: () => undefined, exit: () => undefined };
const QUIET_IO = { stdout: () => undefined, stderr: () => undefined, env: {}, cwd: '/' };

export async function startWebhooks(workspace: Workspace, tls: ServingFiles): Promise<RunningService> {
  const tap = new LogTap('admission');
  const args = [
    ...['--policies', workspace.cluster, '--listen', '127.0.0.1:0'],
    ...['--tls-cert', tls.certFile, '--tls-key', tls.keyFile, '--drain-delay-ms', '0'],
  ];
  const running = await startAdmission(
    args,
    { ...QUIET_IO, cwd: workspace.root },
    {
      process: OWNED_BY_THE_DEMO,
      logDestination: tap.stream,
    },
  );
  return {
    name: 'admission webhooks',
    endpoint: running.url,
    tap,
    stop: async () => expectZero('admission webhooks', await running.stop()),
  };
}

export async function startSchedulerExtender(workspace: Workspace): Promise<RunningService> {
  const tap = new LogTap('extender');
  const config = loadExtenderConfig(['--policies', workspace.cluster, '--listen', '127.0.0.1:0'], {});
  const running = await runExtender({ ...config, drainDelayMs: 0 }, workspace.root, {
    process: OWNED_BY_THE_DEMO,
    destination: tap.stream,
  });
  return {
    name: 'scheduler extender',
    endpoint: `http://${running.address}`,
    tap,
    stop: async () => expectZero('scheduler extender', await running.shutdown.shutdown('demo finished')),
  };
}

export interface CsiSetup {
  readonly ceph: CephConnection;
  /** The StorageClass's `clusterID`, which the cluster config must know. */
  readonly clusterID: string;
}

/** Writes the CSI cluster config (ceph-csi's shape) for the local Ceph; returns its path. */
export async function writeClusterConfig(workspace: Workspace, setup: CsiSetup): Promise<string> {
  const file = join(workspace.csi, 'config.json');
  const entry = { clusterID: setup.clusterID, monitors: [setup.ceph.mon], rbd: { pools: [setup.ceph.pool] } };
  await writeFile(file, JSON.stringify([entry], null, 2));
  return file;
}

/** The CSI driver in one role, on `<workspace>/csi/<role>.sock`. */
export async function startCsi(
  workspace: Workspace,
  setup: CsiSetup,
  role: 'controller' | 'node',
  nodeId?: string,
): Promise<RunningService & { readonly socket: string }> {
  const tap = new LogTap(`csi ${role}`);
  const socket = join(workspace.csi, `${role}.sock`);
  const argv = [
    ...['--role', role, '--endpoint', `unix://${socket}`, '--listen', '127.0.0.1:0'],
    ...['--cluster-config', await writeClusterConfig(workspace, setup), '--ceph-timeout', '20'],
    ...(role === 'controller'
      ? ['--policies', workspace.cluster, '--keyring', setup.ceph.keyring]
      : ['--node-id', nodeId ?? 'demo-node', '--mounter', 'fuse']),
  ];
  const config = loadCsiConfig(argv, {});
  const logger = createLogger({ level: 'info', name: `corral-csi-${role}`, destination: tap.stream });
  const driver = await startDriver({ config, logger });
  return {
    name: `CSI driver (${role})`,
    endpoint: `unix://${socket}`,
    socket,
    tap,
    stop: () => driver.stop(),
  };
}

function expectZero(service: string, code: number): void {
  if (code !== 0) throw new Error(`${service} shut down with exit code ${code}`);
}
