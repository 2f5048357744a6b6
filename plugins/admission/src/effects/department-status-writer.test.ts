import { createLogger, memoryDestination } from '@corral/runtime';
import { snapshotFromFiles } from '../testing/example-snapshot.js';
import { startDepartmentStatusWriter } from './department-status-writer.js';

type Patch = { name: string };

describe('Department status writer retries', () => {
  it('given a failed write and no further change, writes again after retryMs', async () => {
    const snapshot = await snapshotFromFiles();
    const calls: string[] = [];
    let failing = true;
    const api = {
      patchClusterCustomObjectStatus: async ({ name }: Patch) => {
        calls.push(name);
        if (failing && name === 'finance') throw new Error('apiserver unavailable');
        return {};
      },
    };
    const logs = memoryDestination();
    const writer = startDepartmentStatusWriter({
      snapshot,
      api: api as never,
      logger: createLogger({ level: 'warn', name: 't', destination: logs.stream }),
      retryMs: 30,
    });
    try {
      await writer.flush();
      expect(calls.filter((name) => name === 'finance')).toHaveLength(1);
      failing = false;
      await vi.waitFor(() => expect(calls.filter((name) => name === 'finance')).toHaveLength(2), {
        timeout: 2_000,
      });
      // Once it succeeded, nothing is retried any more.
      const settled = calls.length;
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(calls.length).toBe(settled);
    } finally {
      writer.stop();
    }
  });
});
