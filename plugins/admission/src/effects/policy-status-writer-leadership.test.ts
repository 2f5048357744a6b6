import { createLogger, memoryDestination } from '@corral/runtime';
import { snapshotFromFiles } from '../testing/example-snapshot.js';
import { startPolicyStatusWriter } from './policy-status-writer.js';

const silent = () => createLogger({ level: 'silent', name: 't', destination: memoryDestination().stream });

describe('policy status writer and leadership', () => {
  it('given leadership lost during a batch of writes, starts no further write, and none after a failure retry', async () => {
    const snapshot = await snapshotFromFiles();
    let leading = true;
    const calls: string[] = [];
    const patch = async ({ name }: { name: string }) => {
      calls.push(name);
      // Leadership is lost while the first write is in flight; that write fails.
      leading = false;
      throw new Error('apiserver unavailable');
    };
    const writer = startPolicyStatusWriter({
      snapshot,
      api: { patchClusterCustomObjectStatus: patch, patchNamespacedCustomObjectStatus: patch } as never,
      logger: silent(),
      isLeader: () => leading,
      retryMs: 20,
      delayMs: 10,
    });
    onTestFinished(() => writer.stop());
    await writer.flush();
    expect(calls).toHaveLength(1);
    snapshot.upsert('Node', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'touch' } }, 'test');
    await new Promise((resolve) => setTimeout(resolve, 300));
    await writer.flush();
    expect(calls).toHaveLength(1);
  });
});
