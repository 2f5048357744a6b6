import { describe, expect, it } from 'vitest';
import { createVolumeRequest } from '../decide/provision.js';
import { CsiCallError, type CsiClient } from '../transport/csi-client.js';
import { StepLog } from './storage-steps.js';
import { VolumeFlow } from './volume-flow.js';

const STORAGE_CLASS = { kind: 'StorageClass', parameters: { clusterID: 'local-ceph', pool: 'rbd' } };
const CLAIM = {
  kind: 'PersistentVolumeClaim',
  metadata: { name: 'ledger-archive', namespace: 'finance-prod' },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '256Mi' } } },
};

const ANSWERS: Readonly<Record<string, Record<string, unknown>>> = {
  CreateVolume: {
    volume: {
      volume_id: 'vol-1',
      capacity_bytes: '268435456',
      volume_context: { pool: 'rbd', radosNamespace: 'finance', imageName: 'csi-vol-1' },
    },
  },
  CreateSnapshot: { snapshot: { snapshot_id: 'snap-1', size_bytes: '268435456', ready_to_use: true } },
  ControllerExpandVolume: { capacity_bytes: '536870912', node_expansion_required: true },
  ListVolumes: { entries: [] },
};

/** A controller that answers from ANSWERS (failing `fails`), records each RPC, and runs `on[rpc]`. */
function fakeController(on: Record<string, () => void> = {}, fails?: string): CsiClient & { rpcs: string[] } {
  const rpcs: string[] = [];
  return {
    rpcs,
    call: (_service, rpc) => {
      rpcs.push(rpc);
      on[rpc]?.();
      if (rpc === fails) return Promise.reject(new CsiCallError(rpc, 'INTERNAL', 'rbd resize failed'));
      return Promise.resolve(ANSWERS[rpc] ?? {});
    },
    close: () => undefined,
  };
}

function flowWith(controller: CsiClient): { flow: VolumeFlow; log: StepLog } {
  const log = new StepLog();
  const request = createVolumeRequest(STORAGE_CLASS, CLAIM, 'uid-1', { userID: 'csi', userKey: 'a2V5' });
  const flow = new VolumeFlow(log, controller, undefined, request, { staging: '/s', target: '/t' });
  return { flow, log };
}

describe('VolumeFlow', () => {
  it('given no node plugin, runs the controller steps, skips the node steps with the reason, and tears down', async () => {
    const controller = fakeController();
    const { flow, log } = flowWith(controller);
    await flow.forward('staging needs root', 'finance-b-1');
    await flow.teardown();
    expect(controller.rpcs).toEqual([
      'CreateVolume',
      'CreateSnapshot',
      'ControllerExpandVolume',
      'DeleteSnapshot',
      'DeleteVolume',
      'ListVolumes',
    ]);
    const skipped = log.steps.filter((s) => s.outcome === 'skipped');
    expect(skipped).toHaveLength(7);
    expect(skipped.every((s) => s.result === 'staging needs root')).toBe(true);
    expect(log.failures()).toEqual([]);
  });

  it('given an abort once the volume exists (Ctrl-C), runs no further step, and the teardown still deletes it', async () => {
    const aborter = new AbortController();
    const controller = fakeController({ CreateVolume: () => aborter.abort() });
    const { flow, log } = flowWith(controller);
    await flow.forward('staging needs root', 'finance-b-1', aborter.signal);
    await flow.teardown();
    expect(controller.rpcs).toEqual(['CreateVolume', 'DeleteVolume', 'ListVolumes']);
    expect(log.steps.map((s) => s.outcome)).toEqual(['ok', 'ok', 'ok']);
  });

  it('given an expansion that fails, stops before the node would grow the filesystem', async () => {
    const controller = fakeController({}, 'ControllerExpandVolume');
    const { flow, log } = flowWith(controller);
    await flow.forward('staging needs root', 'finance-b-1');
    expect(log.steps.at(-1)).toMatchObject({ rpc: 'ControllerExpandVolume', outcome: 'failed' });
    await flow.teardown();
    expect(controller.rpcs.slice(-3)).toEqual(['DeleteSnapshot', 'DeleteVolume', 'ListVolumes']);
  });
});
