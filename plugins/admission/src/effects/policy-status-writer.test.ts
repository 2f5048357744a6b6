import { createLogger, memoryDestination } from '@corral/runtime';
import { flushOnce } from '../../../../test/support/flush-once.js';
import { snapshotFromFiles } from '../testing/example-snapshot.js';
import { startPolicyStatusWriter, type PolicyStatusWriterOptions } from './policy-status-writer.js';

type Patch = { plural: string; namespace?: string; name: string; body: { value: unknown }[] };

const silent = () => createLogger({ level: 'silent', name: 't', destination: memoryDestination().stream });

/** A logger keeping its warn (and worse) lines in memory, and those lines. */
function warnLogger() {
  const logs = memoryDestination();
  return { logs, logger: createLogger({ level: 'warn', name: 't', destination: logs.stream }) };
}

/**
 * A status API that records each write (cluster-scoped and namespaced alike) and changes nothing (the
 * snapshot never shows it); a write `fails` picks out throws as an unavailable API server would.
 */
function recordingApi(fails: (call: Patch) => boolean = () => false) {
  const calls: Patch[] = [];
  const patch = async (call: Patch) => {
    calls.push(call);
    if (fails(call)) throw new Error('apiserver unavailable');
    return {};
  };
  return {
    calls,
    api: { patchClusterCustomObjectStatus: patch, patchNamespacedCustomObjectStatus: patch } as never,
  };
}

/** Any snapshot change that leaves the Departments' usage alone. */
function touch(snapshot: Awaited<ReturnType<typeof snapshotFromFiles>>, i: number): void {
  snapshot.upsert('Node', { apiVersion: 'v1', kind: 'Node', metadata: { name: `touch-${i}` } }, 'test');
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type WriterOptions = Partial<Omit<PolicyStatusWriterOptions, 'snapshot' | 'api'>>;

/**
 * A writer over the examples' snapshot and a recording API (failing the writes `fails` picks out),
 * silent unless given a logger, and stopped when the test ends.
 */
async function startWriter(options: WriterOptions & { fails?: (call: Patch) => boolean } = {}) {
  const { fails, ...writerOptions } = options;
  const snapshot = await snapshotFromFiles();
  const { api, calls } = recordingApi(fails);
  const writer = startPolicyStatusWriter({ snapshot, api, logger: silent(), ...writerOptions });
  onTestFinished(() => writer.stop());
  return { snapshot, calls, writer };
}

describe('policy status writer retries', () => {
  it('given a failed write and no further change, writes again after retryMs', async () => {
    let failing = true;
    const { calls, writer } = await startWriter({
      fails: ({ name }) => failing && name === 'finance',
      logger: warnLogger().logger,
      retryMs: 30,
    });
    const finance = () => calls.filter(({ name }) => name === 'finance');
    await writer.flush();
    expect(finance()).toHaveLength(1);
    failing = false;
    await vi.waitFor(() => expect(finance()).toHaveLength(2), { timeout: 2_000 });
    // Once it succeeded, nothing is retried any more.
    const settled = calls.length;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(calls.length).toBe(settled);
  });
});

describe('policy status writer and sync', () => {
  it('given an unsynced source, writes nothing (flush included), then writes once it has synced', async () => {
    let synced = false;
    const { snapshot, calls, writer } = await startWriter({ delayMs: 10, synced: () => synced });
    await writer.flush();
    touch(snapshot, 1);
    await pause(50);
    expect(calls).toEqual([]);
    synced = true;
    await vi.waitFor(() => expect(calls.length).toBeGreaterThan(0), { timeout: 2_000 });
  });
});

describe('policy status writer and repeated writes', () => {
  it('given a snapshot that never shows the written status, writes each status once per copy', async () => {
    const { snapshot, calls, writer } = await startWriter({ delayMs: 10 });
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
  });
});

describe('policy status writer and NamespacePolicies', () => {
  it("given served NamespacePolicies, writes Valid=True through each one's namespaced status subresource", async () => {
    const { calls, writer } = await startWriter();
    await flushOnce(writer);
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
    const { logs, logger } = warnLogger();
    const { calls, writer } = await startWriter({
      fails: ({ namespace }) => namespace === 'web-prod',
      logger,
      retryMs: 60_000,
    });
    await flushOnce(writer);
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
