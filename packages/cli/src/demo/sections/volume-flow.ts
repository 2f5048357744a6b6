import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DRIVER_NAME } from '@corral/csi-ceph';
import { claimBytes, createVolumeRequest, type CreateVolumeRequest } from '../decide/provision.js';
import { objectName, type Json } from '../decide/review.js';
import type { CsiClient } from '../transport/csi-client.js';
import { formatBytes, type StepLog } from './storage-steps.js';

interface Volume {
  readonly id: string;
  readonly context: Record<string, string>;
}

const asJson = (value: unknown): Json => (typeof value === 'object' && value !== null ? (value as Json) : {});

/** Where kubelet would stage the volume and publish it into the pod. */
export function kubeletPaths(
  kubelet: string,
  volumeName: string,
  podUid: string,
): { staging: string; target: string } {
  const digest = createHash('sha256').update(volumeName).digest('hex');
  return {
    staging: join(kubelet, 'plugins/kubernetes.io/csi', DRIVER_NAME, digest, 'globalmount'),
    target: join(kubelet, 'pods', podUid, 'volumes/kubernetes.io~csi', volumeName, 'mount'),
  };
}

/**
 * The volume's life, step by step, as the kubernetes-csi sidecars and kubelet call the driver; it
 * remembers what exists, so that teardown undoes exactly that (and runs whatever happened before).
 */
export class VolumeFlow {
  private volume: Volume | undefined;
  private snapshotId: string | undefined;
  private staged = false;
  private published = false;
  private readonly claimName: string;

  constructor(
    private readonly log: StepLog,
    private readonly controller: CsiClient,
    private readonly node: CsiClient | undefined,
    private readonly request: CreateVolumeRequest,
    private readonly paths: { readonly staging: string; readonly target: string },
  ) {
    const parameters = request.parameters;
    this.claimName = `${parameters['csi.storage.k8s.io/pvc/namespace']}/${parameters['csi.storage.k8s.io/pvc/name']}`;
  }

  /**
   * Provision, stage, publish, snapshot, expand, and grow the filesystem, in that order. A failed
   * provision or expansion ends the run (what follows needs it); aborting `signal` ends it between two
   * steps. Either way, teardown() undoes what happened.
   */
  async forward(
    nodeProblem: string | undefined,
    nodeName: string | undefined,
    signal?: AbortSignal,
  ): Promise<void> {
    for (const step of this.plan(nodeProblem, nodeName)) {
      if (signal?.aborted || !(await step())) return;
    }
  }

  /** The forward steps; each resolves to whether the next ones can run. */
  private plan(nodeProblem: string | undefined, nodeName: string | undefined): (() => Promise<boolean>)[] {
    const size = formatBytes(this.request.capacity_range.required_bytes);
    const where = nodeName ? ` on ${nodeName}` : '';
    const grown = BigInt(this.request.capacity_range.required_bytes) * 2n;
    const node = (step: string, rpc: string, action: () => Promise<string>) => () =>
      this.nodeStep(nodeProblem, step, rpc, action);
    return [
      () => this.log.run(`provision ${this.claimName} (${size})`, 'CreateVolume', () => this.create()),
      node(`stage${where}: map, mkfs, mount`, 'NodeStageVolume', () => this.stage()),
      node(`publish into the pod${where}`, 'NodePublishVolume', () => this.publish()),
      node('read the volume stats', 'NodeGetVolumeStats', () => this.stats()),
      async () => {
        await this.log.run('snapshot it', 'CreateSnapshot', () => this.snapshot());
        return true; // the expansion does not need the snapshot
      },
      () =>
        this.log.run(`expand the claim to ${formatBytes(grown)}`, 'ControllerExpandVolume', () =>
          this.expand(grown),
        ),
      // The filesystem is grown offline, as kubelet does for a pod restarted after the resize: the
      // driver grows a published ext4 only with CAP_SYS_RESOURCE, which the demo's machine may lack.
      node('the pod restarts: unpublish', 'NodeUnpublishVolume', () => this.unpublish()),
      node('grow the filesystem (offline)', 'NodeExpandVolume', () => this.expandNode(grown)),
      node('publish into the restarted pod', 'NodePublishVolume', () => this.publish()),
      node('read the volume stats again', 'NodeGetVolumeStats', () => this.stats()),
    ];
  }

  async replayDenied(storageClass: Json, denied: Json): Promise<void> {
    const request = createVolumeRequest(storageClass, denied, `denied-${Date.now()}`, this.request.secrets);
    await this.log.refused(
      `${objectName(denied)} (${formatBytes(claimBytes(denied))}) sent past the webhook`,
      'CreateVolume',
      'RESOURCE_EXHAUSTED',
      () => this.controller.call('Controller', 'CreateVolume', request),
    );
  }

  async teardown(): Promise<void> {
    const volume = this.volume;
    if (this.published)
      await this.log.run('the pod is deleted: unpublish', 'NodeUnpublishVolume', () => this.unpublish());
    if (this.staged) await this.log.run('unstage', 'NodeUnstageVolume', () => this.unstage());
    if (this.snapshotId)
      await this.log.run('delete the snapshot', 'DeleteSnapshot', () => this.deleteSnapshot());
    if (!volume) return;
    await this.log.run(`delete the claim ${this.claimName} (reclaim: Delete)`, 'DeleteVolume', () =>
      this.deleteVolume(volume),
    );
    await this.log.run('check the image is gone', 'ListVolumes', () => this.checkGone(volume));
  }

  /** A kubelet step, skipped with the reason when this machine cannot stage; never ends the run. */
  private async nodeStep(
    problem: string | undefined,
    step: string,
    rpc: string,
    action: () => Promise<string>,
  ): Promise<true> {
    if (problem !== undefined || !this.node) this.log.skip(step, rpc, problem ?? 'no node plugin');
    else await this.log.run(step, rpc, action);
    return true;
  }

  private async create(): Promise<string> {
    const answer = await this.controller.call('Controller', 'CreateVolume', this.request);
    const volume = asJson(answer['volume']);
    const context = asJson(volume['volume_context']) as Record<string, string>;
    this.volume = { id: String(volume['volume_id']), context };
    const department = context['department'] ? `, department ${context['department']}` : '';
    return `image ${context['pool']}/${context['radosNamespace']}/${context['imageName']}, ${formatBytes(String(volume['capacity_bytes']))} (RADOS namespace ${context['radosNamespace'] || '(default)'}${department})`;
  }

  private capability(): object {
    return this.request.volume_capabilities[0] ?? {};
  }

  private async stage(): Promise<string> {
    await mkdir(join(this.paths.staging, '..'), { recursive: true });
    await this.node?.call('Node', 'NodeStageVolume', {
      volume_id: this.volume?.id,
      staging_target_path: this.paths.staging,
      volume_capability: this.capability(),
      secrets: this.request.secrets,
      volume_context: this.volume?.context,
    });
    this.staged = true;
    return `${this.request.volume_capabilities[0]?.mount.fs_type ?? 'ext4'} mounted at kubelet/plugins/…/globalmount`;
  }

  private async publish(): Promise<string> {
    await mkdir(join(this.paths.target, '..'), { recursive: true });
    await this.node?.call('Node', 'NodePublishVolume', {
      volume_id: this.volume?.id,
      staging_target_path: this.paths.staging,
      target_path: this.paths.target,
      volume_capability: this.capability(),
      readonly: false,
      volume_context: this.volume?.context,
    });
    this.published = true;
    return 'bind-mounted at kubelet/pods/<pod uid>/volumes/…/mount';
  }

  private async stats(): Promise<string> {
    const answer = await this.node?.call('Node', 'NodeGetVolumeStats', {
      volume_id: this.volume?.id,
      volume_path: this.paths.target,
    });
    const usage = Array.isArray(answer?.['usage']) ? (answer['usage'] as Json[]) : [];
    const bytes = usage.find((u) => u['unit'] === 'BYTES');
    const inodes = usage.find((u) => u['unit'] === 'INODES');
    const condition = asJson(answer?.['volume_condition']);
    return (
      `filesystem ${formatBytes(String(bytes?.['total']))}, ${formatBytes(String(bytes?.['used']))} used; ` +
      `${String(inodes?.['used'] ?? '?')} of ${String(inodes?.['total'] ?? '?')} inodes` +
      (condition['abnormal'] === true ? `; ABNORMAL: ${String(condition['message'])}` : '; healthy')
    );
  }

  private async snapshot(): Promise<string> {
    const answer = await this.controller.call('Controller', 'CreateSnapshot', {
      name: `snapshot-${this.request.name.slice('pvc-'.length)}`,
      source_volume_id: this.volume?.id,
      secrets: this.request.secrets,
    });
    const snapshot = asJson(answer['snapshot']);
    this.snapshotId = String(snapshot['snapshot_id']);
    return `RBD snapshot of ${formatBytes(String(snapshot['size_bytes']))}, ready to use: ${String(snapshot['ready_to_use'])}`;
  }

  private async expand(bytes: bigint): Promise<string> {
    const answer = await this.controller.call('Controller', 'ControllerExpandVolume', {
      volume_id: this.volume?.id,
      capacity_range: { required_bytes: String(bytes) },
      secrets: this.request.secrets,
      volume_capability: this.capability(),
    });
    const node = answer['node_expansion_required'] === true ? '; the node grows the filesystem' : '';
    return `image now ${formatBytes(String(answer['capacity_bytes']))}${node}`;
  }

  private async expandNode(bytes: bigint): Promise<string> {
    const answer = await this.node?.call('Node', 'NodeExpandVolume', {
      volume_id: this.volume?.id,
      volume_path: this.paths.staging,
      staging_target_path: this.paths.staging,
      capacity_range: { required_bytes: String(bytes) },
      volume_capability: this.capability(),
    });
    return `filesystem grown, ${formatBytes(String(answer?.['capacity_bytes']))}`;
  }

  private async unpublish(): Promise<string> {
    await this.node?.call('Node', 'NodeUnpublishVolume', {
      volume_id: this.volume?.id,
      target_path: this.paths.target,
    });
    this.published = false;
    return 'unmounted from the pod';
  }

  private async unstage(): Promise<string> {
    await this.node?.call('Node', 'NodeUnstageVolume', {
      volume_id: this.volume?.id,
      staging_target_path: this.paths.staging,
    });
    this.staged = false;
    return 'unmounted, loop device and rbd-fuse released';
  }

  private async deleteSnapshot(): Promise<string> {
    await this.controller.call('Controller', 'DeleteSnapshot', {
      snapshot_id: this.snapshotId,
      secrets: this.request.secrets,
    });
    this.snapshotId = undefined;
    return 'deleted';
  }

  private async deleteVolume(volume: Volume): Promise<string> {
    await this.controller.call('Controller', 'DeleteVolume', {
      volume_id: volume.id,
      secrets: this.request.secrets,
    });
    this.volume = undefined;
    return `image ${volume.context['imageName']} deleted`;
  }

  private async checkGone(volume: Volume): Promise<string> {
    const answer = await this.controller.call('Controller', 'ListVolumes', {});
    const entries = Array.isArray(answer['entries']) ? (answer['entries'] as Json[]) : [];
    const ids = entries.map((entry) => String(asJson(entry['volume'])['volume_id']));
    if (ids.includes(volume.id)) throw new Error(`volume ${volume.id} is still listed`);
    return `not listed (${ids.length} other volume(s) in the pool)`;
  }
}
