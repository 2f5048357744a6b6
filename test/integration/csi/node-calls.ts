// The node-service calls the node suites make (test/integration/csi/node-*.test.ts): each takes a
// volume as CreateVolume answered it and fills in the rest of the request as kubelet does.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCeph } from '../../support/ceph.js';
import { call, cleanUpNodeSuite, CLUSTER_ID, startHarness, type Harness, type Responses } from './harness.js';
import { sleep, sweep } from './node-probes.js';

const MIB = 1024 * 1024;
export const RWO = { mount: { fs_type: 'ext4' }, access_mode: { mode: 'SINGLE_NODE_WRITER' } };
export const BLOCK = { block: {}, access_mode: { mode: 'SINGLE_NODE_WRITER' } };
export type Volume = { volume_id?: string; volume_context?: Record<string, string> };

type Reply<K extends keyof Responses> = Promise<Responses[K]>;
/** A volume condition as NodeGetVolumeStats answers it. */
export type Condition = Responses['NodeGetVolumeStats']['volume_condition'];

export interface NodeCalls {
  /** A 32 MiB volume, recorded for the suite's cleanup. */
  newVolume(label: string, capability?: object): Promise<Volume>;
  stage(volume: Volume, staging: string, capability?: object): Reply<'NodeStageVolume'>;
  unstage(volume: Volume, staging: string): Reply<'NodeUnstageVolume'>;
  /**
   * Without `staging`, the request has no staging_target_path at all; with `withSecrets`, it carries
   * the node-publish secrets (what lets a publish repair a broken stage).
   */
  publish(
    volume: Volume,
    staging: string | undefined,
    target: string,
    readonly?: boolean,
    capability?: object,
    withSecrets?: boolean,
  ): Reply<'NodePublishVolume'>;
  unpublish(volume: Volume, target: string): Reply<'NodeUnpublishVolume'>;
  stats(volume: Volume, path: string): Reply<'NodeGetVolumeStats'>;
  /** Polls the stats of `path` until its condition is abnormal, or ~60 s; answers the last condition. */
  abnormalCondition(volume: Volume, path: string): Promise<Condition | undefined>;
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
  const stats = (volume: Volume, path: string) =>
    call(node(), 'NodeGetVolumeStats', { volume_id: volume.volume_id, volume_path: path });
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
      withSecrets = false,
    ) =>
      call(node(), 'NodePublishVolume', {
        volume_id: volume.volume_id,
        ...(staging === undefined ? {} : { staging_target_path: staging }),
        target_path: target,
        volume_capability: capability,
        readonly,
        ...(withSecrets ? { secrets: harnesses().node.secrets } : {}),
      }),
    unpublish: (volume: Volume, target: string) =>
      call(node(), 'NodeUnpublishVolume', { volume_id: volume.volume_id, target_path: target }),
    stats,
    async abnormalCondition(volume: Volume, path: string): Promise<Condition | undefined> {
      let condition: Condition | undefined;
      for (let i = 0; i < 240; i++) {
        condition = (await stats(volume, path)).volume_condition;
        if (condition?.abnormal === true) return condition;
        await sleep(250);
      }
      return condition;
    },
  };
}

export interface NodeSuite extends NodeCalls {
  /** Read inside tests only: started in beforeAll. */
  readonly controller: Harness;
  readonly node: Harness;
  /** A fresh directory for the suite's staging and target paths. */
  readonly work: string;
  /** The staging and target paths of `label` in the work directory: `<label>-s`, `<label>-t`. */
  paths(label: string): { staging: string; target: string };
  /** A new volume (newVolume) staged at the staging path of `label` (paths), as `capability`. */
  stagedVolume(
    label: string,
    capability?: object,
  ): Promise<{ volume: Volume; staging: string; target: string }>;
}

export interface NodeSuiteOptions {
  /** After each test, sweep what it left under the work directory (node-probes' sweep). */
  readonly sweepAfterEach?: boolean;
}

/**
 * A node-service suite on real Ceph: registers its beforeAll (Ceph, a controller and a node driver,
 * a work directory), afterAll (cleanUpNodeSuite) and, if asked, afterEach (sweep), and returns its
 * harnesses and calls.
 */
export function nodeSuite(prefix: string, options: NodeSuiteOptions = {}): NodeSuite {
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
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the node suite has not started (read it inside tests)');
    return value;
  };
  if (options.sweepAfterEach) afterEach(() => sweep(started(work)));
  afterAll(() => cleanUpNodeSuite(node, controller, work, created));
  const harnesses = () => ({ controller: started(controller), node: started(node) });
  const calls = nodeCalls(harnesses, prefix, created);
  const paths = (label: string) => ({
    staging: join(started(work), `${label}-s`),
    target: join(started(work), `${label}-t`),
  });
  return {
    ...calls,
    get controller() {
      return started(controller);
    },
    get node() {
      return started(node);
    },
    get work() {
      return started(work);
    },
    paths,
    async stagedVolume(label: string, capability: object = RWO) {
      const volume = await calls.newVolume(label, capability);
      const { staging, target } = paths(label);
      await calls.stage(volume, staging, capability);
      return { volume, staging, target };
    },
  };
}
