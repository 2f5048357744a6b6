import { policyStatusApi, startPolicyStatusWriter } from '@corral/admission';
import {
  createInvalidPolicyMetric,
  openSnapshot,
  rawDepartment,
  rawNamespace,
  type OpenedSnapshot,
} from '@corral/cluster';
import { createLogger, memoryDestination } from '@corral/runtime';
import { Registry } from 'prom-client';
import { fakeKubeConfig, startFakeApiServer, type FakeApiServer } from '../fake-apiserver/index.js';

const DEPARTMENT_PATH = '/apis/corral.dev/v1alpha1/departments/team';
const WAIT = { timeout: 15_000, interval: 50 };

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  observedGeneration?: number;
}
interface Stored {
  metadata: { generation?: number };
  spec: Record<string, unknown>;
  status?: { namespaces?: string[]; conditions?: Condition[] };
}

describe('an invalid Department arriving by watch (fake API server)', () => {
  let api: FakeApiServer;
  let opened: OpenedSnapshot | undefined;
  beforeAll(async () => {
    api = await startFakeApiServer();
    api.upsert(rawNamespace('team-a', { 'corral.dev/department': 'team' }) as never);
  });
  afterAll(async () => {
    await opened?.stop();
    await api.close();
  });

  const stored = async () => (await (await fetch(`${api.url}${DEPARTMENT_PATH}`)).json()) as Stored;
  const valid = async () => (await stored()).status?.conditions?.find((c) => c.type === 'Valid');
  const statusWrites = () =>
    api.requests.all({ path: `${DEPARTMENT_PATH}/status` }).filter((r) => r.method === 'PATCH').length;

  it('warns, counts it and sets Valid=False; once fixed, Valid=True, gauge 0 and an info line', async () => {
    const logs = memoryDestination();
    const logger = createLogger({ level: 'info', name: 't', destination: logs.stream });
    const registry = new Registry();
    opened = await openSnapshot({ kubeConfig: fakeKubeConfig(api.url, 't0ken'), logger });
    const snapshot = opened.snapshot;
    createInvalidPolicyMetric(registry, snapshot);
    const gauge = async () => {
      const text = await registry.metrics();
      const line = /corral_invalid_policy_objects\{kind="Department",reason="InvalidSpec"\} (\d+)/.exec(text);
      return Number(line?.[1]);
    };
    const ready = opened;
    await vi.waitFor(() => expect(ready.synced()).toBe(true), WAIT);
    const writer = startPolicyStatusWriter({
      snapshot,
      api: await policyStatusApi(fakeKubeConfig(api.url, 't0ken')),
      logger,
      delayMs: 20,
      synced: () => ready.synced(),
    });
    try {
      // Accepted by the CRD schema (a quantity), refused by Corral: pods are counted in whole units.
      const invalid = { ...rawDepartment('team', { quota: { hard: { pods: '1.5' } } }) };
      api.upsert({ ...invalid, metadata: { name: 'team', generation: 1 } } as never);

      await vi.waitFor(async () => expect((await valid())?.status).toBe('False'), WAIT);
      const refused = await valid();
      expect(refused).toMatchObject({ reason: 'InvalidSpec', observedGeneration: 1 });
      expect(refused?.message).toContain('/spec/quota/hard/pods');
      expect(refused?.message).toContain('treats the Department as absent');
      expect((await stored()).status?.namespaces).toEqual([]);
      expect(await gauge()).toBe(1);
      const warns = logs.lines.filter((l) => l['msg'] === 'invalid policy object');
      expect(warns).toEqual([
        expect.objectContaining({
          level: 'warn',
          kind: 'Department',
          name: 'team',
          field: '/spec/quota/hard/pods',
          lastValidKept: false,
        }),
      ]);
      expect(snapshot.department('team')).toBeUndefined();

      // The watch brings the written status back: it is not written again, nor logged again.
      await vi.waitFor(() => expect(snapshot.invalidPolicies()[0]?.copy.status).toBeDefined(), WAIT);
      const writesWhileInvalid = statusWrites();
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(statusWrites()).toBe(writesWhileInvalid);

      // Fixed: a new generation with a whole number (the status kept, as the API server keeps it).
      const current = await stored();
      api.upsert({
        ...current,
        metadata: { ...current.metadata, generation: 2 },
        spec: { quota: { hard: { pods: '2' } } },
      } as never);
      await vi.waitFor(async () => expect((await valid())?.status).toBe('True'), WAIT);
      const fixed = await valid();
      expect(fixed).toMatchObject({ reason: 'Valid', observedGeneration: 2 });
      expect(fixed?.lastTransitionTime).toBeDefined();
      await vi.waitFor(async () => expect((await stored()).status?.namespaces).toEqual(['team-a']), WAIT);
      expect(await gauge()).toBe(0);
      expect(logs.lines.filter((l) => l['msg'] === 'policy object valid again')).toEqual([
        expect.objectContaining({ level: 'info', kind: 'Department', name: 'team' }),
      ]);
      expect(logs.lines.filter((l) => l['msg'] === 'invalid policy object')).toHaveLength(1);
      expect(logs.text()).not.toContain('t0ken');
    } finally {
      writer.stop();
    }
  }, 40_000);
});
