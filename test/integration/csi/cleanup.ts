// What a CSI suite made on the real Ceph, and its removal: the volumes and snapshots a tracked
// controller client created (recorded by harness.ts's `call`), deleted newest first and retried while
// Ceph still holds them (a clone not yet gone, a watch of a killed rbd-fuse daemon not yet timed
// out), and the RADOS namespaces the suite made up, removed once empty.
import type { Client } from '@grpc/grpc-js';
import { cephCli, type CephEnv } from '../../support/ceph.js';

/** One DeleteVolume or DeleteSnapshot request that undoes a create. */
export interface Undo {
  readonly rpc: 'DeleteVolume' | 'DeleteSnapshot';
  readonly request: {
    readonly volume_id?: string;
    readonly snapshot_id?: string;
    readonly secrets?: unknown;
  };
}

/** By client: what it created, by volume or snapshot ID, oldest first. */
const created = new WeakMap<Client, Map<string, Undo>>();

/** From now on, records what `call` creates through `client` (see `createdThrough`). */
export function trackCreated(client: Client): void {
  if (!created.has(client)) created.set(client, new Map());
}

/**
 * Records a successful CreateVolume or CreateSnapshot made through a tracked client, with the secrets
 * it was made with; a repeat (the same ID) keeps its first place.
 */
export function recordCreated(client: Client, rpc: string, request: object, response: unknown): void {
  const made = created.get(client);
  if (!made) return;
  const secrets = (request as { secrets?: unknown }).secrets;
  const answer = response as { volume?: { volume_id?: string }; snapshot?: { snapshot_id?: string } };
  const volumeId = rpc === 'CreateVolume' ? answer.volume?.volume_id : undefined;
  const snapshotId = rpc === 'CreateSnapshot' ? answer.snapshot?.snapshot_id : undefined;
  if (volumeId && !made.has(volumeId))
    made.set(volumeId, { rpc: 'DeleteVolume', request: { volume_id: volumeId, secrets } });
  if (snapshotId && !made.has(snapshotId))
    made.set(snapshotId, { rpc: 'DeleteSnapshot', request: { snapshot_id: snapshotId, secrets } });
}

/** What a tracked client created and has not had undone by `undoAll` yet, newest first. */
export function createdThrough(client: Client): Undo[] {
  return [...(created.get(client)?.values() ?? [])].reverse();
}

/** Forgets what `client` created (once it has been deleted). */
export function forgetCreated(client: Client): void {
  created.get(client)?.clear();
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs every undo in order, then again those that failed, until all succeeded or `timeoutMs` passed;
 * then throws naming each one left and why. A volume a clone still reads, or whose image a dead
 * client still watches, goes on a later round.
 */
export async function undoAll(
  undos: readonly Undo[],
  run: (undo: Undo) => Promise<unknown>,
  timeoutMs = 90_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let left = [...undos];
  for (;;) {
    const failed: { undo: Undo; err: unknown }[] = [];
    for (const undo of left) await run(undo).catch((err: unknown) => failed.push({ undo, err }));
    if (failed.length === 0) return;
    if (Date.now() > deadline) {
      const named = failed.map(({ undo, err }) => {
        const id = undo.request.volume_id ?? undo.request.snapshot_id;
        return `${undo.rpc} ${id}: ${(err as { details?: string }).details ?? String(err)}`;
      });
      throw new Error(`left on Ceph after ${timeoutMs} ms: ${named.join('; ')}`);
    }
    left = failed.map(({ undo }) => undo);
    await pause(1_000);
  }
}

/**
 * Removes RADOS namespaces of `pool` that a suite made up (unique names: nobody else uses them), and
 * what the driver left in them (its journal object). One that does not exist is skipped; one that
 * still holds images is an error.
 */
export async function removeRadosNamespaces(
  ceph: CephEnv,
  pool: string,
  namespaces: readonly string[],
): Promise<void> {
  for (const namespace of namespaces) {
    const removed = await cephCli(ceph, [
      'rbd',
      'namespace',
      'remove',
      '--pool',
      pool,
      '--namespace',
      namespace,
    ]);
    if (removed.code !== 0 && !/does not exist|No such file/i.test(removed.stderr))
      throw new Error(`rbd namespace remove ${pool}/${namespace}: ${removed.stderr}`);
    const objects = await cephCli(ceph, ['rados', '-p', pool, '-N', namespace, 'ls']);
    for (const object of objects.stdout.split('\n').filter((line) => line !== '')) {
      const rm = await cephCli(ceph, ['rados', '-p', pool, '-N', namespace, 'rm', object]);
      if (rm.code !== 0) throw new Error(`rados rm ${pool}/${namespace}/${object}: ${rm.stderr}`);
    }
  }
}
