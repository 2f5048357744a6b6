import { createLogger, memoryDestination } from '@corral/runtime';
import { snapshotFromFiles } from '../testing/example-snapshot.js';
import { startPolicyStatusWriter } from './policy-status-writer.js';

type Patch = { plural: string; namespace?: string; name: string; body: { value: unknown }[] };

const silent = () => createLogger({ level: 'silent', name: 't', destination: memoryDestination().stream });

/** A status API that passes each write to `patch` (cluster-scoped and namespaced alike). */
function statusApi(patch: (call: Patch) => Promise<object>) {
  return { patchClusterCustomObjectStatus: patch, patchNamespacedCustomObjectStatus: patch } as never;
}

/** A status API that records each write and changes nothing (the snapshot never shows it). */
function recordingApi() {
  const calls: Patch[] = [];
  return {
    calls,
    api: statusApi(async (patch) => {
      calls.push(patch);
      return {};
    }),
  };
}

/** Any snapshot change that leaves the Departments' usage alone. */
function touch(snapshot: Awaited<ReturnType<typeof snapshotFromFiles>>, i: number): void {
  snapshot.upsert('Node', { apiVersion: 'v1', kind: 'Node', metadata: { name: `touch-${i}` } }, 'test');
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('policy status writer retries', () => {
  it('given a failed write and no further change, writes again after retryMs', async () => {
    const snapshot = await snapshotFromFiles();
    const calls: string[] = [];
    let failing = true;
    const api = statusApi(async ({ name }) => {
      calls.push(name);
      if (failing && name === 'finance') throw new Error('apiserver unavailable');
      return {};
    });
    const logs = memoryDestination();
    const writer = startPolicyStatusWriter({
      snapshot,
      api,
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

describe('policy status writer and sync', () => {
  it('given an unsynced source, writes nothing (flush included), then writes once it has synced', async () => {
    const snapshot = await snapshotFromFiles();
    const { api, calls } = recordingApi();
    let synced = false;
    const writer = startPolicyStatusWriter({
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

describe('policy status writer and repeated writes', () => {
  it('given a snapshot that never shows the written status, writes each status once per copy', async () => {
    const snapshot = await snapshotFromFiles();
    const { api, calls } = recordingApi();
    const writer = startPolicyStatusWriter({ snapshot, api, logger: silent(), delayMs: 10 });
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

describe('policy status writer and NamespacePolicies', () => {
  it("given served NamespacePolicies, writes Valid=True through each one's namespaced status subresource", async () => {
    const snapshot = await snapshotFromFiles();
    const { api, calls } = recordingApi();
    const writer = startPolicyStatusWriter({ snapshot, api, logger: silent() });
    try {
      await writer.flush();
    } finally {
      writer.stop();
    }
    const policies = calls.filter((c) => c.plural === 'namespacepolicies');
    expect(policies.map((c) => `${c.namespace ?? '?'}/${c.name}`).sort()).toEqual([
      'finance-dev/policy',
      'finance-prod/policy',
      'research-ml/policy',
      'web-gateway/policy',
      'web-prod/policy',
      'web-staging/policy',
    ]);
    expect(policies[0]?.body).toEqual([
      {
        op: 'add',
        path: '/status',
        value: { conditions: [expect.objectContaining({ type: 'Valid', status: 'True', reason: 'Valid' })] },
      },
    ]);
    // Departments stay cluster-scoped: no namespace in their calls.
    expect(calls.filter((c) => c.plural === 'departments').map((c) => c.namespace)).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('given a failed NamespacePolicy write, logs its kind, namespace and name, and keeps writing the others', async () => {
    const snapshot = await snapshotFromFiles();
    const calls: Patch[] = [];
    const api = statusApi(async (patch) => {
      calls.push(patch);
      if (patch.namespace === 'web-prod') throw new Error('apiserver unavailable');
      return {};
    });
    const logs = memoryDestination();
    const writer = startPolicyStatusWriter({
      snapshot,
      api,
      logger: createLogger({ level: 'warn', name: 't', destination: logs.stream }),
      retryMs: 60_000,
    });
    try {
      await writer.flush();
    } finally {
      writer.stop();
    }
    expect(calls.filter((c) => c.plural === 'namespacepolicies')).toHaveLength(6);
    expect(logs.lines).toEqual([
      expect.objectContaining({
        level: 'warn',
        kind: 'NamespacePolicy',
        namespace: 'web-prod',
        name: 'policy',
        msg: 'could not write NamespacePolicy status',
      }),
    ]);
  });
});
