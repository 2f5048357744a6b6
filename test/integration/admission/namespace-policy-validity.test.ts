import { policyStatusApi, startPolicyStatusWriter } from '@corral/admission';
import {
  createInvalidPolicyMetric,
  openSnapshot,
  rawNamespace,
  rawNamespacePolicy,
  type OpenedSnapshot,
} from '@corral/cluster';
import { createLogger, memoryDestination } from '@corral/runtime';
import { Registry } from 'prom-client';
import { fakeKubeConfig, startFakeApiServer, type FakeApiServer } from '../fake-apiserver/index.js';

const POLICY_PATH = '/apis/corral.dev/v1alpha1/namespaces/team-a/namespacepolicies/policy';
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
  status?: { conditions?: Condition[] };
}

/** A time in ms as a condition's lastTransitionTime writes it (RFC 3339, whole seconds). */
const isoSeconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

describe('an invalid NamespacePolicy arriving by watch (fake API server)', () => {
  let api: FakeApiServer;
  let opened: OpenedSnapshot | undefined;
  beforeAll(async () => {
    api = await startFakeApiServer();
    api.upsert(rawNamespace('team-a') as never);
  });
  afterAll(async () => {
    await opened?.stop();
    await api.close();
  });

  const stored = async () => (await (await fetch(`${api.url}${POLICY_PATH}`)).json()) as Stored;
  const valid = async () => (await stored()).status?.conditions?.find((c) => c.type === 'Valid');
  const statusWrites = () =>
    api.requests.all({ path: `${POLICY_PATH}/status` }).filter((r) => r.method === 'PATCH');

  it('sets Valid=False with the reason and field through the status subresource; once fixed, Valid=True', async () => {
    const logs = memoryDestination();
    const logger = createLogger({ level: 'info', name: 't', destination: logs.stream });
    const registry = new Registry();
    opened = await openSnapshot({ kubeConfig: fakeKubeConfig(api.url, 't0ken'), logger });
    const snapshot = opened.snapshot;
    createInvalidPolicyMetric(registry, snapshot);
    const gauge = async () => {
      const text = await registry.metrics();
      const line = /corral_invalid_policy_objects\{kind="NamespacePolicy",reason="InvalidSpec"\} (\d+)/.exec(
        text,
      );
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
      const invalid = rawNamespacePolicy('team-a', 'policy', { quota: { hard: { pods: '1.5' } } });
      api.upsert({ ...invalid, metadata: { name: 'policy', namespace: 'team-a', generation: 1 } } as never);

      await vi.waitFor(async () => expect((await valid())?.status).toBe('False'), WAIT);
      const refused = await valid();
      expect(refused).toMatchObject({ reason: 'InvalidSpec', observedGeneration: 1 });
      expect(refused?.message).toContain('/spec/quota/hard/pods');
      expect(refused?.message).toContain('treats the NamespacePolicy as absent');
      expect(refused?.lastTransitionTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      // One JSON Patch on the namespaced status subresource; the spec is left alone.
      expect(statusWrites()).toHaveLength(1);
      expect((await stored()).spec).toEqual({ quota: { hard: { pods: '1.5' } } });
      expect(await gauge()).toBe(1);
      expect(snapshot.namespacePolicy('team-a')).toBeUndefined();

      // The watch brings the written status back: it is not written again.
      await vi.waitFor(() => expect(snapshot.invalidPolicies()[0]?.copy.status).toBeDefined(), WAIT);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(statusWrites()).toHaveLength(1);

      // Fixed: a new generation with a whole number (the status kept, as the API server keeps it),
      // a second or more after the refusal, so that a transition time carried over would show.
      const refusedAt = refused?.lastTransitionTime ?? '';
      await vi.waitFor(() => expect(isoSeconds(Date.now())).not.toBe(refusedAt), WAIT);
      const fixedFrom = isoSeconds(Date.now());
      const current = await stored();
      api.upsert({
        ...current,
        metadata: { ...current.metadata, generation: 2 },
        spec: { quota: { hard: { pods: '2' } } },
      } as never);
      await vi.waitFor(async () => expect((await valid())?.status).toBe('True'), WAIT);
      const fixed = await valid();
      expect(fixed).toMatchObject({ reason: 'Valid', observedGeneration: 2 });
      expect(fixed?.lastTransitionTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(Date.parse(fixed?.lastTransitionTime ?? '')).toBeGreaterThanOrEqual(Date.parse(fixedFrom));
      expect(await gauge()).toBe(0);

      // The policy, status and all, is served and stays valid: the written status never refuses it.
      await vi.waitFor(() => expect(snapshot.namespacePolicy('team-a')?.status).toBeDefined(), WAIT);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(snapshot.invalidPolicies()).toEqual([]);
      expect(statusWrites()).toHaveLength(2);
      expect(logs.lines.filter((l) => l['msg'] === 'policy object valid again')).toEqual([
        expect.objectContaining({
          level: 'info',
          kind: 'NamespacePolicy',
          namespace: 'team-a',
          name: 'policy',
        }),
      ]);
      expect(logs.text()).not.toContain('t0ken');
    } finally {
      writer.stop();
    }
  }, 40_000);
});
