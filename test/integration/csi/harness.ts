// Test harness: the real CSI driver (startDriver) on a temp unix socket against the real local Ceph,
// driven by a grpc-js client over that socket.
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { credentials, Metadata, type Client, type ServiceError } from '@grpc/grpc-js';
import { createLogger, memoryDestination, type MemoryDestination } from '@corral/runtime';
import { loadCsiConfig } from '../../../plugins/csi-ceph/src/config.js';
import { startDriver, type RunningDriver } from '../../../plugins/csi-ceph/src/start-driver.js';
import { loadCsi } from '../../../plugins/csi-ceph/src/transport/load-csi.js';
import type { ControllerClient } from '../../../plugins/csi-ceph/src/generated/csi/v1/Controller.js';
import type { IdentityClient } from '../../../plugins/csi-ceph/src/generated/csi/v1/Identity.js';
import type { NodeClient } from '../../../plugins/csi-ceph/src/generated/csi/v1/Node.js';
import { startCeph, type CephEnv } from '../../support/ceph.js';
import {
  createdThrough,
  forgetCreated,
  recordCreated,
  removeRadosNamespaces,
  trackCreated,
  undoAll,
  type Undo,
} from './cleanup.js';
import type { ControllerExpandVolumeResponse__Output } from '../../../plugins/csi-ceph/src/generated/csi/v1/ControllerExpandVolumeResponse.js';
import type { ControllerGetCapabilitiesResponse__Output } from '../../../plugins/csi-ceph/src/generated/csi/v1/ControllerGetCapabilitiesResponse.js';
import type { ControllerPublishVolumeResponse__Output } from '../../../plugins/csi-ceph/src/generated/csi/v1/ControllerPublishVolumeResponse.js';
import type { ControllerUnpublishVolumeResponse__Output } from '../../../plugins/csi-ceph/src/generated/csi/v1/ControllerUnpublishVolumeResponse.js';
import type { CreateSnapshotResponse__Output } from '../../../plugins/csi-ceph/src/generated/csi/v1/CreateSnapshotResponse.js';
import type { CreateVolumeResponse__Output } from '../../../plugins/csi-ceph/src/generated/csi/v1/CreateVolumeResponse.js';
import type { DeleteSnapshotResponse__Output } from '../../../plugins/csi-ceph/src/generated/csi/v1/DeleteSnapshotResponse.js';
import type { DeleteVolumeResponse__Output } from '../../../plugins/csi-ceph/src/generated/csi/v1/DeleteVolumeResponse.js';
import type { GetCapacityResponse__Output } from '../../../plugins/csi-ceph/src/generated/csi/v1/GetCapacityResponse.js';
import type { GetPluginCapabilitiesResponse__Output } from '../../../plugins/csi-ceph/src/generated/csi/v1/GetPluginCapabilitiesResponse.js';
import type { GetPluginInfoResponse__Output } from '../../../plugins/csi-ceph/src/generated/csi/v1/GetPluginInfoResponse.js';
import type { ListSnapshotsResponse__Output } from '../../../plugins/csi-ceph/src/generated/csi/v1/ListSnapshotsResponse.js';
import type { ListVolumesResponse__Output } from '../../../plugins/csi-ceph/src/generated/csi/v1/ListVolumesResponse.js';
import type { NodeExpandVolumeResponse__Output } from '../../../plugins/csi-ceph/src/generated/csi/v1/NodeExpandVolumeResponse.js';
import type { NodeGetCapabilitiesResponse__Output } from '../../../plugins/csi-ceph/src/generated/csi/v1/NodeGetCapabilitiesResponse.js';
import type { NodeGetInfoResponse__Output } from '../../../plugins/csi-ceph/src/generated/csi/v1/NodeGetInfoResponse.js';
import type { NodeGetVolumeStatsResponse__Output } from '../../../plugins/csi-ceph/src/generated/csi/v1/NodeGetVolumeStatsResponse.js';
import type { NodePublishVolumeResponse__Output } from '../../../plugins/csi-ceph/src/generated/csi/v1/NodePublishVolumeResponse.js';
import type { NodeStageVolumeResponse__Output } from '../../../plugins/csi-ceph/src/generated/csi/v1/NodeStageVolumeResponse.js';
import type { NodeUnpublishVolumeResponse__Output } from '../../../plugins/csi-ceph/src/generated/csi/v1/NodeUnpublishVolumeResponse.js';
import type { NodeUnstageVolumeResponse__Output } from '../../../plugins/csi-ceph/src/generated/csi/v1/NodeUnstageVolumeResponse.js';
import type { ProbeResponse__Output } from '../../../plugins/csi-ceph/src/generated/csi/v1/ProbeResponse.js';
import type { ValidateVolumeCapabilitiesResponse__Output } from '../../../plugins/csi-ceph/src/generated/csi/v1/ValidateVolumeCapabilitiesResponse.js';

export const CLUSTER_ID = 'corral-test';

export interface Harness {
  readonly ceph: CephEnv;
  readonly dir: string;
  readonly driver: RunningDriver;
  readonly logs: MemoryDestination;
  readonly identity: IdentityClient;
  readonly controller: ControllerClient;
  readonly node: NodeClient;
  readonly secrets: Record<string, string>;
  /**
   * Runs `step` when the harness stops, before the driver does (the newest step first, each one even
   * when another failed; stop() then throws the first failure).
   */
  onStop(step: () => Promise<unknown>): void;
  /** With `cleanUp`, first removes what the suite made (see HarnessOptions.cleanUp). */
  stop(): Promise<void>;
}

export interface HarnessOptions {
  readonly role?: 'controller' | 'node';
  readonly extraArgs?: readonly string[];
  readonly ceph?: CephEnv;
  /** Write the cluster config with these monitors instead of the cluster's. */
  readonly monitors?: readonly string[];
  readonly keyring?: boolean;
  readonly cephTimeoutSeconds?: number;
  readonly mounter?: 'fuse' | 'krbd' | 'rbd-nbd';
  /**
   * Policy YAML (Departments, Namespaces, claims; given the cluster, for its pool) that the driver
   * reads with --policies from a folder in the harness's dir.
   */
  readonly policies?: string | ((ceph: CephEnv) => string);
  /**
   * Leave Ceph as the suite found it: stop() first deletes every volume and snapshot created through
   * `call` on this harness's controller (newest first, retried while Ceph holds them; an error names
   * what is left), then removes these RADOS namespaces of the pool, names the suite made up.
   */
  readonly cleanUp?: boolean | { readonly radosNamespaces: readonly string[] };
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const ceph = options.ceph ?? (await startCeph());
  const dir = await mkdtemp(join(tmpdir(), 'corral-csi-'));
  const clusterConfig = join(dir, 'config.json');
  const monitors = options.monitors ?? [ceph.mon];
  await writeFile(
    clusterConfig,
    JSON.stringify([{ clusterID: CLUSTER_ID, monitors, rbd: { pools: [ceph.pool] } }]),
  );
  const socket = join(dir, 'csi.sock');
  const role = options.role ?? 'controller';
  const argv = [
    '--role',
    role,
    '--endpoint',
    `unix://${socket}`,
    '--cluster-config',
    clusterConfig,
    '--listen',
    '127.0.0.1:0',
    '--ceph-timeout',
    String(options.cephTimeoutSeconds ?? 5),
    ...(options.keyring === false ? [] : ['--keyring', ceph.csiKeyring]),
    ...(role === 'node' ? ['--node-id', 'node-a', '--mounter', options.mounter ?? 'fuse'] : []),
    ...(await policyFlags(dir, ceph, options.policies)),
    ...(options.extraArgs ?? []),
  ];
  const config = loadCsiConfig(argv, {});
  const logs = memoryDestination();
  const logger = createLogger({ level: 'debug', name: 'csi-test', destination: logs.stream });
  const driver = await startDriver({ config, logger });
  const csi = loadCsi().csi.v1;
  const address = `unix://${socket}`;
  const identity = new csi.Identity(address, credentials.createInsecure());
  const controller = new csi.Controller(address, credentials.createInsecure());
  const node = new csi.Node(address, credentials.createInsecure());
  const steps = cleanUpSteps(ceph, controller, options.cleanUp ?? false);
  return {
    ceph,
    dir,
    driver,
    logs,
    identity,
    controller,
    node,
    secrets: { userID: 'csi', userKey: ceph.csiKey },
    onStop: (step) => void steps.push(step),
    stop: async () => {
      const failures: unknown[] = [];
      for (const step of steps.splice(0).reverse()) await step().catch((err: unknown) => failures.push(err));
      for (const client of [identity, controller, node]) client.close();
      await driver.stop();
      await rm(dir, { recursive: true, force: true });
      if (failures.length > 0) throw failures[0];
    },
  };
}

/** Writes `policies` (if any) to a folder in `dir`, and answers the driver's flags to read it. */
async function policyFlags(
  dir: string,
  ceph: CephEnv,
  policies: HarnessOptions['policies'],
): Promise<string[]> {
  if (policies === undefined) return [];
  const folder = join(dir, 'policies');
  await mkdir(folder);
  await writeFile(join(folder, 'all.yaml'), typeof policies === 'string' ? policies : policies(ceph));
  return ['--policies', folder];
}

/**
 * The first steps of stop() for HarnessOptions.cleanUp (run newest first: the deletes, then the
 * namespaces).
 */
function cleanUpSteps(
  ceph: CephEnv,
  controller: Client,
  cleanUp: NonNullable<HarnessOptions['cleanUp']>,
): (() => Promise<unknown>)[] {
  if (cleanUp === false) return [];
  trackCreated(controller);
  const namespaces = cleanUp === true ? [] : cleanUp.radosNamespaces;
  return [() => removeRadosNamespaces(ceph, ceph.pool, namespaces), () => deleteCreated(controller)];
}

/** Each RPC's response type, as the client receives it. */
export interface Responses {
  ControllerExpandVolume: ControllerExpandVolumeResponse__Output;
  ControllerGetCapabilities: ControllerGetCapabilitiesResponse__Output;
  ControllerPublishVolume: ControllerPublishVolumeResponse__Output;
  ControllerUnpublishVolume: ControllerUnpublishVolumeResponse__Output;
  CreateSnapshot: CreateSnapshotResponse__Output;
  CreateVolume: CreateVolumeResponse__Output;
  DeleteSnapshot: DeleteSnapshotResponse__Output;
  DeleteVolume: DeleteVolumeResponse__Output;
  GetCapacity: GetCapacityResponse__Output;
  GetPluginCapabilities: GetPluginCapabilitiesResponse__Output;
  GetPluginInfo: GetPluginInfoResponse__Output;
  ListSnapshots: ListSnapshotsResponse__Output;
  ListVolumes: ListVolumesResponse__Output;
  NodeExpandVolume: NodeExpandVolumeResponse__Output;
  NodeGetCapabilities: NodeGetCapabilitiesResponse__Output;
  NodeGetInfo: NodeGetInfoResponse__Output;
  NodeGetVolumeStats: NodeGetVolumeStatsResponse__Output;
  NodePublishVolume: NodePublishVolumeResponse__Output;
  NodeStageVolume: NodeStageVolumeResponse__Output;
  NodeUnpublishVolume: NodeUnpublishVolumeResponse__Output;
  NodeUnstageVolume: NodeUnstageVolumeResponse__Output;
  Probe: ProbeResponse__Output;
  ValidateVolumeCapabilities: ValidateVolumeCapabilitiesResponse__Output;
}

type Callback = (err: ServiceError | null, value?: unknown) => void;

/** Calls one unary RPC by name; resolves with the response or rejects with the ServiceError. */
export function call<K extends keyof Responses>(
  client: Client,
  rpc: K,
  request: object,
): Promise<Responses[K]> {
  const method = (client as unknown as Record<string, (r: object, m: Metadata, cb: Callback) => unknown>)[
    rpc
  ];
  if (!method) return Promise.reject(new Error(`no RPC ${rpc} on this client`));
  return new Promise((resolve, reject) => {
    method.call(client, request, new Metadata(), (err, value) => {
      if (err) {
        reject(err);
        return;
      }
      recordCreated(client, rpc, request, value);
      resolve(value as Responses[K]);
    });
  });
}

/** The gRPC status code of a rejected call (or 0 when it succeeded). */
export async function codeOf(promise: Promise<unknown>): Promise<number> {
  try {
    await promise;
    return 0;
  } catch (err) {
    return (err as ServiceError).code;
  }
}

/**
 * Deletes what `call` created through `client` since trackCreated (startHarness's `cleanUp` tracks
 * its controller), newest first, retrying while Ceph still holds it; throws naming what is left.
 */
export async function deleteCreated(client: Client): Promise<void> {
  await undoAll(createdThrough(client), (undo: Undo) => call(client, undo.rpc, undo.request));
  forgetCreated(client);
}

export const MOUNT_RWO = { mount: { fs_type: 'ext4' }, access_mode: { mode: 'SINGLE_NODE_WRITER' as const } };

/** A name no other test run uses: the label, the time and a random number. */
export const unique = (label: string) => `${label}-${Date.now()}-${Math.floor(Math.random() * 1e6)}`;

/** A CreateVolume as the tests send it: a volume of the harness's pool, ext4 RWO unless told. */
export interface VolumeRequest {
  readonly name: string;
  /** capacity_range.required_bytes; none: no capacity_range at all. */
  readonly bytes?: number;
  readonly capability?: object;
  /** Parameters besides clusterID and pool (a claim's namespace and name, say). */
  readonly parameters?: Record<string, string>;
  /** volume_content_source. */
  readonly source?: object;
  /** Instead of the harness's secrets. */
  readonly secrets?: Record<string, string>;
}

/** CreateVolume of `volume` through the harness's controller. */
export function createVolume(h: Harness, volume: VolumeRequest): Promise<Responses['CreateVolume']> {
  return call(h.controller, 'CreateVolume', {
    name: volume.name,
    ...(volume.bytes === undefined ? {} : { capacity_range: { required_bytes: volume.bytes } }),
    volume_capabilities: [volume.capability ?? MOUNT_RWO],
    parameters: { clusterID: CLUSTER_ID, pool: h.ceph.pool, ...volume.parameters },
    secrets: volume.secrets ?? h.secrets,
    ...(volume.source ? { volume_content_source: volume.source } : {}),
  });
}

/** CreateSnapshot `name` of the volume `sourceVolumeId` through the harness's controller. */
export function createSnapshot(h: Harness, name: string, sourceVolumeId: string | undefined) {
  return call(h.controller, 'CreateSnapshot', { name, source_volume_id: sourceVolumeId, secrets: h.secrets });
}

/**
 * The end of a node suite: whatever a failed test left under `work` is unpublished, then unstaged
 * with the volume id its stage record names (unstage refuses another id), the `created` volumes are
 * deleted (retried while a killed rbd-fuse daemon's watch holds an image; an error names what is
 * left), both drivers stop and `work` is removed. Every step tolerates what is already gone.
 */
export async function cleanUpNodeSuite(
  node: Harness | undefined,
  controller: Harness | undefined,
  work: string | undefined,
  created: readonly string[],
): Promise<void> {
  const paths = work ? (await readdir(work).catch(() => [])).map((entry) => join(work, entry)) : [];
  if (node) {
    for (const path of paths) {
      await call(node.node, 'NodeUnpublishVolume', { volume_id: 'cleanup', target_path: path }).catch(
        () => undefined,
      );
    }
    for (const path of paths) {
      const record = await readFile(join(path, 'corral-volume.json'), 'utf8').catch(() => '{}');
      const volumeId = (JSON.parse(record) as { volumeId?: string }).volumeId ?? 'cleanup';
      await call(node.node, 'NodeUnstageVolume', { volume_id: volumeId, staging_target_path: path }).catch(
        () => undefined,
      );
    }
  }
  try {
    if (controller) {
      const undos = created.map((id): Undo => ({
        rpc: 'DeleteVolume',
        request: { volume_id: id, secrets: controller.secrets },
      }));
      await undoAll(undos, (undo) => call(controller.controller, undo.rpc, undo.request));
    }
  } finally {
    await node?.stop();
    await controller?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  }
}
