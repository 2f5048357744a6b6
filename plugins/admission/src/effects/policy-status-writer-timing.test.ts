import { createLogger, memoryDestination } from '@corral/runtime';
import { snapshotFromFiles } from '../testing/example-snapshot.js';
import { startPolicyStatusWriter } from './policy-status-writer.js';

const silent = () => createLogger({ level: 'silent', name: 't', destination: memoryDestination().stream });

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A status API whose writes go through `patch`, for both scopes. */
function statusApi(patch: (call: { name: string }) => Promise<unknown>) {
  return { patchClusterCustomObjectStatus: patch, patchNamespacedCustomObjectStatus: patch } as never;
}

describe('policy status writer timing', () => {
  it('given a failed write backing off, a change writes again after delayMs, not after the backoff', async () => {
    const snapshot = await snapshotFromFiles();
    let failing = true;
    const calls: string[] = [];
    const writer = startPolicyStatusWriter({
      snapshot,
      api: statusApi(async ({ name }) => {
        calls.push(name);
        if (failing) throw new Error('apiserver unavailable');
        return {};
      }),
      logger: silent(),
      delayMs: 10,
      retryMs: 60_000,
    });
    onTestFinished(() => writer.stop());
    await writer.flush();
    const finance = () => calls.filter((name) => name === 'finance');
    expect(finance()).toHaveLength(1);
    // The API is back; the next change comes long before the 60 s retry.
    failing = false;
    snapshot.upsert('Node', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'touch' } }, 'test');
    await vi.waitFor(() => expect(finance()).toHaveLength(2), { timeout: 2_000 });
  });

  it('given stop() while a write is in flight and then fails, writes nothing afterwards', async () => {
    const snapshot = await snapshotFromFiles();
    const calls: string[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const writer = startPolicyStatusWriter({
      snapshot,
      api: statusApi(async ({ name }) => {
        calls.push(name);
        await gate;
        throw new Error('apiserver unavailable');
      }),
      logger: silent(),
      delayMs: 10,
      retryMs: 10,
    });
    const flushed = writer.flush();
    await vi.waitFor(() => expect(calls).toHaveLength(1));
    writer.stop();
    release();
    await flushed;
    // The batch's other writes are not started either.
    const atStop = calls.length;
    expect(atStop).toBe(1);
    // Changes after stop() schedule nothing either.
    snapshot.upsert('Node', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'touch' } }, 'test');
    await pause(200);
    expect(calls).toHaveLength(atStop);
    // A flush after stop() writes nothing.
    await writer.flush();
    expect(calls).toHaveLength(atStop);
  });
});
