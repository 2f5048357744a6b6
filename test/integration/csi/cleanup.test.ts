// The CSI suites' cleanup bookkeeping, without Ceph: what a tracked client created, in which order
// it is undone, and that what cannot be undone in time is named, not passed over.
import type { Client } from '@grpc/grpc-js';
import { createdThrough, forgetCreated, recordCreated, trackCreated, undoAll, type Undo } from './cleanup.js';

const client = () => ({}) as Client;
const secrets = { userID: 'csi', userKey: 'k' };

describe('recordCreated', () => {
  it('given a tracked client, records its volumes and snapshots with their secrets, newest first, a repeat once', () => {
    const tracked = client();
    trackCreated(tracked);
    recordCreated(tracked, 'CreateVolume', { secrets }, { volume: { volume_id: 'v1' } });
    recordCreated(tracked, 'CreateSnapshot', { secrets }, { snapshot: { snapshot_id: 's1' } });
    recordCreated(tracked, 'CreateVolume', { secrets }, { volume: { volume_id: 'v2' } });
    recordCreated(tracked, 'CreateVolume', { secrets }, { volume: { volume_id: 'v1' } }); // a repeat
    recordCreated(tracked, 'ListSnapshots', { secrets }, { entries: [] });
    expect(createdThrough(tracked)).toEqual([
      { rpc: 'DeleteVolume', request: { volume_id: 'v2', secrets } },
      { rpc: 'DeleteSnapshot', request: { snapshot_id: 's1', secrets } },
      { rpc: 'DeleteVolume', request: { volume_id: 'v1', secrets } },
    ]);
    forgetCreated(tracked);
    expect(createdThrough(tracked)).toEqual([]);
  });

  it('given a client nobody tracks, records nothing', () => {
    const untracked = client();
    recordCreated(untracked, 'CreateVolume', { secrets }, { volume: { volume_id: 'v1' } });
    expect(createdThrough(untracked)).toEqual([]);
  });
});

describe('undoAll', () => {
  const volume = (id: string): Undo => ({ rpc: 'DeleteVolume', request: { volume_id: id } });

  it('given an undo that fails at first (a clone still reads the volume), runs it again until it succeeds', async () => {
    const runs: string[] = [];
    let busy = 2;
    await undoAll([volume('clone'), volume('source')], async (undo) => {
      runs.push(undo.request.volume_id ?? '');
      if (undo.request.volume_id === 'source' && busy-- > 0) throw { details: 'still in use' };
    });
    expect(runs).toEqual(['clone', 'source', 'source', 'source']);
  }, 10_000);

  it('given an undo that keeps failing, throws after the time limit naming it and why', async () => {
    const undo = undoAll(
      [volume('kept')],
      () => Promise.reject({ details: 'volume kept is still in use' }),
      100,
    );
    await expect(undo).rejects.toThrow(
      'left on Ceph after 100 ms: DeleteVolume kept: volume kept is still in use',
    );
  });
});
