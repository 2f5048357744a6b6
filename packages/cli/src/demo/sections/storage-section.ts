import { DRIVER_NAME } from '@corral/csi-ceph';
import { createVolumeRequest } from '../decide/provision.js';
import { objectName, type Json } from '../decide/review.js';
import type { CephConnection } from '../effects/local-ceph.js';
import type { Workspace } from '../effects/workspace.js';
import { csiClient } from '../transport/csi-client.js';
import type { ServiceRow, StorageReport } from './report.js';
import type { Placement } from './scheduling-section.js';
import { startCsi, type CsiSetup, type RunningService } from './services.js';
import { StepLog } from './storage-steps.js';
import { kubeletPaths, VolumeFlow } from './volume-flow.js';

/**
 * The CSI part, for the first admitted claim of a Corral StorageClass: the driver's controller and
 * node roles started on sockets in the workspace (the node one as the node the claim's pod was placed
 * on), then the volume's life (volume-flow.ts), then a claim the webhook denied replayed straight to
 * the driver, which refuses it by its own quota check. Teardown runs whatever happened before.
 */
export interface StorageInput {
  readonly workspace: Workspace;
  readonly ceph: CephConnection;
  readonly claims: readonly Json[];
  readonly deniedClaims: readonly Json[];
  readonly storageClasses: readonly Json[];
  readonly placements: readonly Placement[];
  /** Why NodeStage cannot run here, if it cannot. */
  readonly nodeStageProblem?: string;
  /** Aborting skips the remaining steps; the teardown still runs. */
  readonly signal?: AbortSignal;
}

export interface StorageResult extends StorageReport {
  readonly failures: readonly string[];
}

const asJson = (value: unknown): Json => (typeof value === 'object' && value !== null ? (value as Json) : {});
const nameOf = (object: Json): string => String(asJson(object['metadata'])['name'] ?? '');
const classOf = (claim: Json): unknown => asJson(claim['spec'])['storageClassName'];

/** Starts the drivers (pushed onto `started`, which the caller stops) and runs the storage steps. */
export async function runStorage(input: StorageInput, started: RunningService[]): Promise<StorageResult> {
  const storageClass = input.storageClasses.find(
    (sc) => sc['kind'] === 'StorageClass' && sc['provisioner'] === DRIVER_NAME,
  );
  const claim = storageClass && input.claims.find((c) => classOf(c) === nameOf(storageClass));
  if (!storageClass || !claim) {
    const skipped = `no admitted claim of a StorageClass with provisioner ${DRIVER_NAME}`;
    return { skipped, steps: [], services: [], failures: [] };
  }
  const setup = {
    ceph: input.ceph,
    clusterID: String(asJson(storageClass['parameters'])['clusterID'] ?? ''),
  };
  const consumer = input.placements.find((p) => usesClaim(p.pod, claim));
  const nodeProblem = input.nodeStageProblem ?? whyNoNode(claim, consumer);
  const drivers = await startDrivers(input, setup, consumer?.node, nodeProblem, started);
  const clients = {
    controller: csiClient(drivers.controller.socket),
    node: drivers.node ? csiClient(drivers.node.socket) : undefined,
  };
  const request = createVolumeRequest(storageClass, claim, String(asJson(claim['metadata'])['uid']), {
    userID: input.ceph.userID,
    userKey: input.ceph.userKey,
  });
  const podUid = String(asJson(consumer?.pod['metadata'])['uid'] ?? 'no-pod');
  const log = new StepLog();
  const flow = new VolumeFlow(
    log,
    clients.controller,
    clients.node,
    request,
    kubeletPaths(input.workspace.kubelet, request.name, podUid),
  );
  try {
    await flow.forward(nodeProblem, consumer?.node, input.signal);
    const denied = input.deniedClaims.find((c) => classOf(c) === nameOf(storageClass));
    if (denied && !input.signal?.aborted) await flow.replayDenied(storageClass, denied);
  } finally {
    await flow.teardown();
    clients.controller.close();
    clients.node?.close();
  }
  return { steps: log.steps, services: drivers.services, failures: log.failures() };
}

/** The controller, and the node role when it can stage here, as the node the pod was placed on. */
async function startDrivers(
  input: StorageInput,
  setup: CsiSetup,
  nodeName: string | undefined,
  nodeProblem: string | undefined,
  started: RunningService[],
) {
  const controller = await startCsi(input.workspace, setup, 'controller');
  started.push(controller);
  const node =
    nodeProblem === undefined ? await startCsi(input.workspace, setup, 'node', nodeName) : undefined;
  if (node) started.push(node);
  const services: ServiceRow[] = [
    {
      service: controller.name,
      endpoint: controller.endpoint,
      notes: `tenant placement from the policies; pool ${input.ceph.pool}`,
    },
    node
      ? { service: node.name, endpoint: node.endpoint, notes: `as node ${nodeName ?? '?'}, fuse mounter` }
      : { service: 'CSI driver (node)', endpoint: '-', notes: `not started: ${nodeProblem ?? ''}` },
  ];
  return { controller, node, services };
}

function whyNoNode(claim: Json, consumer: Placement | undefined): string | undefined {
  if (consumer === undefined) return `no pod uses ${objectName(claim)}`;
  return consumer.node ? undefined : `its pod ${objectName(consumer.pod)} was not placed`;
}

function usesClaim(pod: Json, claim: Json): boolean {
  const volumes = asJson(pod['spec'])['volumes'];
  return (
    asJson(pod['metadata'])['namespace'] === asJson(claim['metadata'])['namespace'] &&
    Array.isArray(volumes) &&
    volumes.some((v) => asJson(asJson(v)['persistentVolumeClaim'])['claimName'] === nameOf(claim))
  );
}
