// The node-service calls the node suites make (test/integration/csi/node-*.test.ts): each takes a
// volume as CreateVolume answered it and fills in the rest of the request as kubelet does.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCeph } from '../../support/ceph.js';
import { call, cleanUpNodeSuite, CLUSTER_ID, startHarness, type Harness, type Responses } from './harness.js';

const MIB = 1024 * 1024;
export const RWO = { mount: { fs_type: 'ext4' }, access_mode: { mode: 'SINGLE_NODE_WRITER' } };
export type Volume = { volume_id?: string; volume_context?: Record<string, string> };

type Reply<K extends keyof Responses> = Promise<Responses[K]>;

export interface NodeCalls {
  /** A 32 MiB volume, recorded for the suite's cleanup. */
  newVolume(label: string, capability?: object): Promise<Volume>;
  stage(volume: Volume, staging: string, capability?: object): Reply<'NodeStageVolume'>;
  unstage(volume: Volume, staging: string): Reply<'NodeUnstageVolume'>;
  /** Without `staging`, the request has no staging_target_path at all. */
  publish(
    volume: Volume,
    staging: string | undefined,
    target: string,
    readonly?: boolean,
    capability?: object,
  ): Reply<'NodePublishVolume'>;
  unpublish(volume: Volume, target: string): Reply<'NodeUnpublishVolume'>;
}

/**
 * The calls of a node suite, given its harnesses (read on each call: the suite starts them in
 * beforeAll), the prefix of its volume names, and the list its cleanup deletes volumes from.
 */
export function nodeCalls(
  harnesses: () => { readonly controller: Harness; readonly node: Harness },
  prefix: string,
  created: string[],
): NodeCalls {
  const node = () => harnesses().node.node;
  return {
    async newVolume(label: string, capability: object = RWO): Promise<Volume> {
      const { controller } = harnesses();
      const res = await call(controller.controller, 'CreateVolume', {
        name: `${prefix}-${label}-${Date.now()}`,
        capacity_range: { required_bytes: 32 * MIB },
        volume_capabilities: [capability],
        parameters: { clusterID: CLUSTER_ID, pool: controller.ceph.pool },
        secrets: controller.secrets,
      });
      created.push(res.volume!.volume_id!);
      return res.volume!;
    },
    stage: (volume: Volume, staging: string, capability: object = RWO) =>
      call(node(), 'NodeStageVolume', {
        volume_id: volume.volume_id,
        staging_target_path: staging,
        volume_capability: capability,
        secrets: harnesses().node.secrets,
        volume_context: volume.volume_context,
      }),
    unstage: (volume: Volume, staging: string) =>
      call(node(), 'NodeUnstageVolume', { volume_id: volume.volume_id, staging_target_path: staging }),
    publish: (
      volume: Volume,
      staging: string | undefined,
      target: string,
      readonly = false,
      capability: object = RWO,
    ) =>
      call(node(), 'NodePublishVolume', {
        volume_id: volume.volume_id,
        ...(staging === undefined ? {} : { staging_target_path: staging }),
        target_path: target,
        volume_capability: capability,
        readonly,
      }),
    unpublish: (volume: Volume, target: string) =>
      call(node(), 'NodeUnpublishVolume', { volume_id: volume.volume_id, target_path: target }),
  };
}

export interface NodeSuite extends NodeCalls {
  /** Read inside tests only: started in beforeAll. */
  readonly controller: Harness;
  readonly node: Harness;
  /** A fresh directory for the suite's staging and target paths. */
  readonly work: string;
}

/**
 * A node-service suite on real Ceph: registers its beforeAll (Ceph, a controller and a node driver,
 * a work directory) and afterAll (cleanUpNodeSuite), and returns its harnesses and calls.
 */
export function nodeSuite(prefix: string): NodeSuite {
  let controller: Harness | undefined;
  let node: Harness | undefined;
  let work: string | undefined;
  const created: string[] = [];
  beforeAll(async () => {
    const ceph = await startCeph();
    controller = await startHarness({ ceph });
    node = await startHarness({ ceph, role: 'node' });
    work = await mkdtemp(join(tmpdir(), `corral-csi-${prefix}-`));
  });
  afterAll(() => cleanUpNodeSuite(node, controller, work, created));
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the node suite has not started (read it inside tests)');
    return value;
  };
  const harnesses = () => ({ controller: started(controller), node: started(node) });
  return {
    ...nodeCalls(harnesses, prefix, created),
    get controller() {
      return started(controller);
    },
    get node() {
      return started(node);
    },
    get work() {
      return started(work);
    },
  };
}
