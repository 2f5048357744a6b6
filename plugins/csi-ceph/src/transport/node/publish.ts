/**
 * NodePublishVolume / NodeUnpublishVolume: bind mounts from the staging path (the filesystem, or the
 * loop device for block volumes) to the target path, read-only when asked or when staged for a
 * reader-only mode. Idempotent: a target already holding this publish is OK; one holding a read-write
 * bind of this stage where a read-only publish was begun (marked under the staging path) is
 * remounted read-only, the publish having been interrupted between its bind and its remount; one
 * holding another volume, the other readonly flag, or the other access type is ALREADY_EXISTS. A publish asking for
 * another access type or filesystem than the stage's is FAILED_PRECONDITION (a filesystem stage is
 * never bound out as a raw device). A stage whose volume_condition is abnormal (its rbd-fuse daemon
 * gone…) is repaired first when nothing else uses it and the publish carries secrets, else the
 * publish is FAILED_PRECONDITION (publish-repair.ts). A read-only block publish of a read-write stage
 * binds a read-only device of its own, which its unpublish detaches (publish-read-only.ts). Paths are
 * compared with the mount table in one spelling (see requireNodePath); messages name them as given.
 */
import { mkdir, open, readdir, rmdir, stat, unlink } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { checkCapability } from '../../decide/capabilities.js';
import { checkExistingPublish, isReaderOnly } from '../../decide/node-access.js';
import { checkPublishOfStage, type PublishWanted } from '../../decide/node-publish.js';
import { unpublishStep, type UnpublishTarget } from '../../decide/node-unpublish.js';
import { publishIntentFile, stageLayout, type StageRecord } from '../../decide/node-layout.js';
import { checkPublishTarget, type PublishTargetEntry } from '../../decide/publish-target.js';
import { decodeId } from '../../decide/volume-id.js';
import { CSI_ERR, csiError } from '../../errors.js';
import { isSameDevice, isSameFilesystem, mountedAt } from '../../effects/node/mount-identity.js';
import { bindMount, isMounted, remountReadOnly, unmount } from '../../effects/node/mounts.js';
import { isPublishBegun, markPublishBegun, markPublishDone } from '../../effects/node/publish-intent.js';
import { isOneOfDevices, readOnlyDevicesOf } from '../../effects/node/read-only-devices.js';
import { hasStageRecord, readStageRecord } from '../../effects/node/stage-record.js';
import type { NodePublishVolumeRequest__Output } from '../../generated/csi/v1/NodePublishVolumeRequest.js';
import type { NodePublishVolumeResponse } from '../../generated/csi/v1/NodePublishVolumeResponse.js';
import type { NodeUnpublishVolumeRequest__Output } from '../../generated/csi/v1/NodeUnpublishVolumeRequest.js';
import type { NodeUnpublishVolumeResponse } from '../../generated/csi/v1/NodeUnpublishVolumeResponse.js';
import { must, requireField } from '../request-checks.js';
import { requireNodePath, type NodeDeps } from './node-deps.js';
import { bindOwnDevice, releaseOwnDevice, wantsOwnDevice } from './publish-read-only.js';
import { ensureStageServes } from './publish-repair.js';

interface StagedSource {
  /** What to bind: <staging>/fs, or the device for a block volume. */
  readonly source: string;
  /** Staged for a reader-only access mode (then every publish is read-only). */
  readonly readOnly: boolean;
  /** The staging path (where the marks of begun read-only publishes are kept). */
  readonly staging: string;
  /** The read-only devices of the stage's read-only block publishes (publish-read-only.ts). */
  readonly readOnlyDevices: readonly string[];
}

/** A path as the request gave it (for messages) and in its one spelling (for everything else). */
interface RequestPath {
  readonly path: string;
  readonly given: string;
}

/** The record of the stage a publish names; FAILED_PRECONDITION unless it stages this volume. */
async function stagedRecord(staging: RequestPath, id: string): Promise<StageRecord> {
  const record = await readStageRecord(stageLayout(staging.path).record);
  if (!record || record.volumeId !== id) throw notStaged(id, staging);
  return record;
}

function notStaged(id: string, staging: RequestPath) {
  return csiError(
    CSI_ERR.IN_USE,
    `volume ${id} is not staged at ${staging.given}: call NodeStageVolume first`,
  );
}

/**
 * Throws unless the stage serves what the publish asks for: ALREADY_EXISTS when the target holds a
 * publish already (the spec's same target, other arguments), else FAILED_PRECONDITION.
 */
async function checkStageServes(record: StageRecord, wanted: PublishWanted, target: RequestPath) {
  const decision = checkPublishOfStage(record, wanted);
  if (decision.status === 'pass') return;
  if (await mountedAt(target.path)) {
    throw csiError(CSI_ERR.NAME_CONFLICT, `target_path ${target.given} is published: ${decision.message}`);
  }
  must(decision);
}

/** What the stage exposes for a publish (its access type checked against the request first). */
async function sourceFor(staging: RequestPath, record: StageRecord, deps: NodeDeps): Promise<StagedSource> {
  const layout = stageLayout(staging.path);
  const readOnly = record.readOnly === true;
  if (record.accessType === 'mount') {
    if (!(await isMounted(layout.fsDir))) throw notStaged(record.volumeId, staging);
    return { source: layout.fsDir, readOnly, staging: staging.path, readOnlyDevices: [] };
  }
  const device = await deps.mounter.device(layout.fuseDir, record.imageFile);
  if (!device) throw notStaged(record.volumeId, staging);
  const readOnlyDevices = await readOnlyDevicesOf(layout, record, deps.mounter);
  return { source: device, readOnly, staging: staging.path, readOnlyDevices };
}

/**
 * Whether `target` holds this publish already (finishing an interrupted read-only one); throws
 * ALREADY_EXISTS when it holds anything else. A node of one of the stage's read-only publish devices
 * is a read-only publish, whatever the flag of its bind (a bind whose read-only remount was cut short
 * is remounted).
 */
async function checkExisting(
  target: RequestPath,
  staged: StagedSource,
  wanted: { kind: 'mount' | 'block'; readOnly: boolean },
  id: string,
): Promise<boolean> {
  const mounted = await mountedAt(target.path);
  if (!mounted) return false;
  const ownDevice = mounted.kind === 'block' && (await isOneOfDevices(mounted, staged.readOnlyDevices));
  const sameSource =
    mounted.kind === 'block'
      ? ownDevice || (await isSameDevice(mounted, staged.source))
      : await isSameFilesystem(mounted, staged.source);
  const intent = publishIntentFile(staged.staging, target.path);
  const begun = wanted.readOnly && (await isPublishBegun(intent, target.path));
  const existing = { ...mounted, sameSource, readOnly: mounted.readOnly || ownDevice };
  const decision = checkExistingPublish(existing, { ...wanted, begun });
  if (decision.status === 'fail') {
    throw csiError(
      decision.code,
      `target_path ${target.given} cannot publish volume ${id}: ${decision.message}`,
    );
  }
  if (decision.value === 'remount-read-only' || (ownDevice && !mounted.readOnly)) {
    await remountReadOnly(target.path);
    await markPublishDone(intent);
  }
  return true;
}

/** What is at a target that holds no mount (symlinks followed, as mount(8) follows them). */
async function targetEntry(target: string): Promise<PublishTargetEntry> {
  const there = await stat(target).catch(() => undefined);
  if (!there) return { type: 'none', empty: true };
  if (there.isDirectory()) return { type: 'directory', empty: (await readdir(target)).length === 0 };
  return there.isFile() ? { type: 'file', empty: there.size === 0 } : { type: 'other', empty: false };
}

/** Makes a free target ready for its bind: an empty directory (a mount publish) or file (block). */
async function prepareTarget(target: string, kind: 'mount' | 'block') {
  // A mount publish needs an empty directory there (or nothing), a block publish an empty file: mkdir
  // or open failed with EEXIST or EISDIR before (INTERNAL), a mount hid what a directory held, and a
  // block publish over a file with content left its unpublish refused for good (publish-target.ts).
  must(checkPublishTarget(kind, target, await targetEntry(target)));
  if (kind === 'mount') {
    await mkdir(target, { recursive: true });
  } else {
    await mkdir(dirname(target), { recursive: true });
    await (await open(target, 'a')).close();
  }
}

/**
 * Binds `source` at a prepared target. A read-only publish is marked begun first and done after its
 * remount, so that a retry after a crash in between finishes it (see checkExistingPublish).
 */
async function bindPrepared(target: string, source: string, staging: string, readOnly: boolean) {
  const intent = publishIntentFile(staging, target);
  if (readOnly) await markPublishBegun(intent, target);
  await bindMount(source, target, readOnly);
  if (readOnly) await markPublishDone(intent);
}

/**
 * Publishes at a free target: the stage's filesystem or device, or, for a read-only block publish of
 * a read-write stage, a read-only device of its own (attached under the volume's lock).
 */
async function publishAt(
  target: string,
  kind: 'mount' | 'block',
  staged: StagedSource,
  readOnly: boolean,
  record: StageRecord,
  deps: NodeDeps,
) {
  await prepareTarget(target, kind);
  if (!wantsOwnDevice(kind, readOnly, record, deps.mounter)) {
    await bindPrepared(target, staged.source, staged.staging, readOnly);
    return;
  }
  await deps.locks.with([`volume/${record.volumeId}`], () =>
    bindOwnDevice(staged.staging, record, target, deps, (device) =>
      bindPrepared(target, device, staged.staging, true),
    ),
  );
}

export async function nodePublishVolume(
  req: NodePublishVolumeRequest__Output,
  deps: NodeDeps,
): Promise<NodePublishVolumeResponse> {
  const id = requireField(req.volume_id, 'volume_id');
  const target = await requireNodePath(req.target_path, 'target_path');
  if (!req.volume_capability) throw csiError(CSI_ERR.INVALID_ARGUMENT, 'volume_capability is required');
  const kind = must(checkCapability(req.volume_capability));
  const wanted = { kind, fsType: req.volume_capability.mount?.fs_type ?? '' };
  // The spec: "Staging target path not set" is FAILED_PRECONDITION (this plugin has STAGE_UNSTAGE_VOLUME).
  if (!req.staging_target_path) {
    throw csiError(CSI_ERR.IN_USE, 'staging_target_path is not set: call NodeStageVolume first');
  }
  const staging = await requireNodePath(req.staging_target_path, 'staging_target_path');
  if (!decodeId('v1', id)) throw csiError(CSI_ERR.NOT_FOUND, `volume "${id}" was not issued by this driver`);
  return deps.locks.with([`publish/${target}`], async () => {
    const stagingPath = { path: staging, given: req.staging_target_path };
    const record = await stagedRecord(stagingPath, id);
    await checkStageServes(record, wanted, { path: target, given: req.target_path });
    await ensureStageServes(stagingPath, record, req.target_path, req.secrets, deps);
    const staged = await sourceFor(stagingPath, record, deps);
    const readOnly = req.readonly || staged.readOnly || isReaderOnly(req.volume_capability);
    if (!(await checkExisting({ path: target, given: req.target_path }, staged, { kind, readOnly }, id))) {
      await publishAt(target, kind, staged, readOnly, record, deps);
    }
    return {};
  });
}

export async function nodeUnpublishVolume(
  req: NodeUnpublishVolumeRequest__Output,
  deps: NodeDeps,
): Promise<NodeUnpublishVolumeResponse> {
  requireField(req.volume_id, 'volume_id');
  const target = await requireNodePath(req.target_path, 'target_path');
  return deps.locks.with([`publish/${target}`], async () => {
    // Stacked publishes are unmounted one by one, each checked (decide/node-unpublish.ts).
    // Then the read-only device of a read-only block publish there, when one was recorded.
    for (let step = 0; step < 16; step++) {
      const next = must(unpublishStep(await unpublishTarget(target), req.target_path));
      if (next === 'done') {
        await releaseOwnDevice(req.volume_id, target, deps);
        return {};
      }
      if (next === 'unmount') await unmount(target);
      else if ((await stat(target)).isDirectory()) await rmdir(target);
      else await unlink(target);
    }
    throw csiError(CSI_ERR.IN_USE, `target_path ${req.target_path} still holds mounts after 16 unmounts`);
  });
}

/** What is at a target NodeUnpublishVolume was given (see UnpublishTarget). */
async function unpublishTarget(target: string): Promise<UnpublishTarget> {
  const mounted = await mountedAt(target);
  const stagingArea =
    (basename(target) === 'fs' || basename(target) === 'fuse') &&
    (await hasStageRecord(stageLayout(dirname(target)).record));
  if (mounted)
    return { mount: { kind: mounted.kind, source: mounted.entry.source }, stagingArea, entry: 'content' };
  const info = await stat(target).catch(() => undefined);
  if (!info) return { stagingArea, entry: 'none' };
  const empty = info.isDirectory() ? (await readdir(target)).length === 0 : info.isFile() && info.size === 0;
  return { stagingArea, entry: empty ? 'empty' : 'content' };
}
