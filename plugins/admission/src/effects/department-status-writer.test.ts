import { createLogger, memoryDestination } from '@corral/runtime';
import { snapshotFromFiles } from '../testing/example-snapshot.js';
import { startDepartmentStatusWriter } from './department-status-writer.js';

type Patch = { name: string; body: { value: unknown }[] };

const silent = () => createLogger({ level: 'silent', name: 't', destination: memoryDestination().stream });

/** A status API that records each write and changes nothing (the snapshot never shows it). */
function recordingApi() {
  const calls: Patch[] = [];
  return {
    calls,
    api: {
      patchClusterCustomObjectStatus: async (patch: Patch) => {
        calls.push(patch);
        return {};
      },
    } as never,
  };
}

/** Any snapshot change that leaves the Departments' usage alone. */
function touch(snapshot: Awaited<ReturnType<typeof snapshotFromFiles>>, i: number): void {
  snapshot.upsert('Node', { apiVersion: 'v1', kind: 'Node', metadata: { name: `touch-${i}` } }, 'test');
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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

describe('Department status writer and sync', () => {
  it('given an unsynced source, writes nothing (flush included), then writes once it has synced', async () => {
    const snapshot = await snapshotFromFiles();
    const { api, calls } = recordingApi();
    let synced = false;
    const writer = startDepartmentStatusWriter({
      snapshot,
      api,
      logger: silent(),
      delayMs: 10,
      synced: () => synced,
    });
    try {
      await writer.flush();
      touch(snapshot, 1);
      await pause(50);
      expect(calls).toEqual([]);
      synced = true;
      await vi.waitFor(() => expect(calls.length).toBeGreaterThan(0), { timeout: 2_000 });
    } finally {
      writer.stop();
    }
  });
});

describe('Department status writer and repeated writes', () => {
  it('given a snapshot that never shows the written status, writes each status once per copy', async () => {
    const snapshot = await snapshotFromFiles();
    const { api, calls } = recordingApi();
    const writer = startDepartmentStatusWriter({ snapshot, api, logger: silent(), delayMs: 10 });
    try {
      await writer.flush();
      const first = calls.length;
      expect(first).toBeGreaterThan(0);
      for (let i = 0; i < 3; i += 1) {
        touch(snapshot, i);
        await pause(30);
      }
      await writer.flush();
      expect(calls).toHaveLength(first);

      // A new copy of the Department (someone else wrote its status) is written again.
      const finance = snapshot.department('finance');
      if (finance === undefined) throw new Error('no finance Department in the examples');
      snapshot.upsert(
        'Department',
        { ...finance, metadata: { ...finance.metadata, resourceVersion: '99' }, status: {} },
        'test',
      );
      await writer.flush();
      expect(calls.slice(first).map((c) => c.name)).toEqual(['finance']);
    } finally {
      writer.stop();
    }
  });
});
