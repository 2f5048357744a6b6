// The suites of a policy object refused as invalid, arriving by watch (department-validity,
// namespace-policy-validity): a fake API server, the snapshot and status writer a replica runs
// against it, the object as stored with its Valid condition, and the corral_invalid_policy_objects
// gauge.
import { policyStatusApi, startPolicyStatusWriter, type PolicyStatusWriter } from '@corral/admission';
import {
  createInvalidPolicyMetric,
  openSnapshot,
  type ClusterSnapshot,
  type OpenedSnapshot,
} from '@corral/cluster';
import { createLogger, memoryDestination, type MemoryDestination } from '@corral/runtime';
import { Registry } from 'prom-client';
import {
  fakeKubeConfig,
  startFakeApiServer,
  type FakeApiServer,
  type RecordedRequest,
} from '../fake-apiserver/index.js';

export const WAIT = { timeout: 15_000, interval: 50 };

export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  observedGeneration?: number;
}

/** A Department or NamespacePolicy as the fake API server stores it. */
export interface StoredPolicy {
  metadata: { generation?: number };
  spec: Record<string, unknown>;
  status?: { namespaces?: string[]; conditions?: Condition[] };
}

export interface StartedReplica {
  readonly logs: MemoryDestination;
  readonly snapshot: ClusterSnapshot;
  /** Started with a 20 ms delay, writing once synced; the test stops it. */
  readonly writer: PolicyStatusWriter;
  /** corral_invalid_policy_objects{kind, reason="InvalidSpec"} as the registry reports it now. */
  gauge(): Promise<number>;
}

export interface ValiditySuite {
  /** Read inside tests only: started in beforeAll. */
  readonly api: FakeApiServer;
  /** The object at the suite's path, read from the API server. */
  stored(): Promise<StoredPolicy>;
  /** Its Valid condition. */
  valid(): Promise<Condition | undefined>;
  /** The PATCH requests on its status subresource so far. */
  statusWrites(): RecordedRequest[];
  /**
   * Stores the object's next generation (2) with a whole number of pods, its status kept (as the API
   * server keeps it), and waits until its Valid condition is True; answers that condition.
   */
  storeFixed(): Promise<Condition | undefined>;
  /**
   * What a replica runs, logging at info to memory: a snapshot of the API server (stopped after all
   * tests) with the invalid-object gauge, synced, then a status writer.
   */
  startReplica(kind: 'Department' | 'NamespacePolicy'): Promise<StartedReplica>;
}

/**
 * Registers beforeAll (a fake API server holding `namespace`) and afterAll (the replica's snapshot
 * and the server stopped) for the object at API `path`.
 */
export function validitySuite(path: string, namespace: object): ValiditySuite {
  let api: FakeApiServer | undefined;
  let opened: OpenedSnapshot | undefined;
  beforeAll(async () => {
    api = await startFakeApiServer();
    api.upsert(namespace as never);
  });
  afterAll(async () => {
    await opened?.stop();
    await api?.close();
  });
  const server = (): FakeApiServer => {
    if (api === undefined) throw new Error('the fake API server has not started (read it inside tests)');
    return api;
  };
  const stored = async () => (await (await fetch(`${server().url}${path}`)).json()) as StoredPolicy;
  const valid = async () => (await stored()).status?.conditions?.find((c) => c.type === 'Valid');
  return {
    get api() {
      return server();
    },
    stored,
    valid,
    statusWrites: () =>
      server()
        .requests.all({ path: `${path}/status` })
        .filter((r) => r.method === 'PATCH'),
    async storeFixed() {
      const current = await stored();
      server().upsert({
        ...current,
        metadata: { ...current.metadata, generation: 2 },
        spec: { quota: { hard: { pods: '2' } } },
      } as never);
      await vi.waitFor(async () => expect((await valid())?.status).toBe('True'), WAIT);
      return valid();
    },
    async startReplica(kind) {
      const logs = memoryDestination();
      const logger = createLogger({ level: 'info', name: 't', destination: logs.stream });
      const registry = new Registry();
      const ready = await openSnapshot({ kubeConfig: fakeKubeConfig(server().url, 't0ken'), logger });
      opened = ready;
      createInvalidPolicyMetric(registry, ready.snapshot);
      const line = new RegExp(
        `corral_invalid_policy_objects\\{kind="${kind}",reason="InvalidSpec"\\} (\\d+)`,
      );
      const gauge = async () => Number(line.exec(await registry.metrics())?.[1]);
      await vi.waitFor(() => expect(ready.synced()).toBe(true), WAIT);
      const writer = startPolicyStatusWriter({
        snapshot: ready.snapshot,
        api: await policyStatusApi(fakeKubeConfig(server().url, 't0ken')),
        logger,
        delayMs: 20,
        synced: () => ready.synced(),
      });
      return { logs, snapshot: ready.snapshot, writer, gauge };
    },
  };
}
