import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  createEventRecorder,
  createLeaderElector,
  createLogger,
  eventsApiFrom,
  leaseApiFrom,
  memoryDestination,
  type EventToRecord,
} from '@corral/runtime';
import { Registry } from 'prom-client';
import { fakeKubeConfig, startFakeApiServer, type FakeApiServer } from './fake-apiserver/index.js';

/**
 * @corral/runtime's event recorder and leader elector through client-node against the fake API
 * server, which refuses what kube-apiserver refuses (fake-apiserver/write-rules.ts): invalid Events
 * (422), MicroTimes that do not decode (400), creates in a terminating namespace (403).
 */

const EVENTS = '/apis/events.k8s.io/v1/namespaces';
const LEASE = { name: 'corral-test', namespace: 'corral-system' };

const denial = (name: string, namespace = 'team-a', extra: Partial<EventToRecord> = {}): EventToRecord => ({
  regarding: { apiVersion: 'apps/v1', kind: 'ReplicaSet', name, namespace, uid: `uid-${name}` },
  type: 'Warning',
  reason: 'PolicyDenied',
  action: 'Deny',
  note: 'Corral denied creating a Pod: [quota] no room',
  ...extra,
});

/** Requests the test holds unanswered (a hung API), and whether their connection was closed. */
function hangs() {
  const held: { path: string; closed: boolean }[] = [];
  let match: ((req: IncomingMessage) => boolean) | undefined;
  const extra = (req: IncomingMessage, res: ServerResponse, url: URL): boolean => {
    if (match === undefined || !match(req)) return false;
    const entry = { path: url.pathname, closed: false };
    held.push(entry);
    res.on('close', () => (entry.closed = true));
    return true;
  };
  return {
    held,
    extra,
    hang: (m: ((req: IncomingMessage) => boolean) | undefined) => (match = m),
  };
}

async function listEvents(api: FakeApiServer, namespace: string): Promise<Record<string, unknown>[]> {
  const res = await fetch(`${api.url}${EVENTS}/${namespace}/events`);
  return ((await res.json()) as { items: Record<string, unknown>[] }).items;
}

describe('Kubernetes Events through client-node (fake API server with kube-apiserver rules)', () => {
  let api: FakeApiServer;
  let net: ReturnType<typeof hangs>;
  const logs = memoryDestination();
  const logger = createLogger({ level: 'debug', name: 't', destination: logs.stream });
  beforeEach(async () => {
    net = hangs();
    api = await startFakeApiServer({ extra: net.extra });
    logs.lines.length = 0;
  });
  afterEach(async () => {
    net.hang(undefined);
    await api.close();
  });

  const startRecorder = async (extra: { callTimeoutMs?: number; stopTimeoutMs?: number } = {}) => {
    const registry = new Registry();
    const made = createEventRecorder({
      api: await eventsApiFrom(fakeKubeConfig(api.url, 'events'), { timeoutMs: 400 }),
      controller: 'corral.dev/admission',
      instance: `adm-${'ß'.repeat(100)}`,
      logger,
      registry,
      seriesFlushMs: 50,
      ...extra,
    });
    return { recorder: made, registry };
  };
  const writes = () => api.requests.all().filter((r) => r.path.startsWith(EVENTS) && r.method !== 'GET');

  it('given odd names, multi-byte fields and repeats, writes Events and series the API accepts', async () => {
    const { recorder, registry } = await startRecorder();
    const odd = [`${'a'.repeat(199)}-tail`, 'Web-Frontend', ':system:web'];
    for (const name of odd) recorder.record(denial(name, 'team-a', { reason: 'Ü'.repeat(100) }));
    recorder.record(denial('web'));
    recorder.record(denial('web'));
    recorder.record(denial('web'));
    await new Promise((resolve) => setTimeout(resolve, 200));
    await recorder.stop();
    const events = await listEvents(api, 'team-a');
    expect(events).toHaveLength(4);
    expect(events.find((e) => (e['regarding'] as { name: string }).name === 'web')?.['series']).toMatchObject(
      {
        count: 3,
      },
    );
    const dropped = (await registry.getSingleMetric('corral_kube_events_dropped_total')?.get())?.values ?? [];
    expect(dropped.filter((v) => v.value > 0)).toEqual([]);
  });

  it('given a namespace being terminated (403), asks once per Event however often it repeats, and warns once', async () => {
    api.upsert({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'going' },
      status: { phase: 'Terminating' },
    } as never);
    const { recorder } = await startRecorder();
    for (let i = 0; i < 100; i += 1) recorder.record(denial(`rs-${i % 3}`, 'going'));
    recorder.record(denial('web', 'team-a'));
    await recorder.flush();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await recorder.stop();
    expect(writes().filter((r) => r.path.startsWith(`${EVENTS}/going/`))).toHaveLength(3);
    expect(await listEvents(api, 'team-a')).toHaveLength(1);
    const warnings = logs.lines.filter((l) => l['level'] === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ status: 403 });
  });

  it('given 429 with Retry-After, sends nothing until it has passed', async () => {
    const { recorder } = await startRecorder();
    api.failNext(1, { code: 429, retryAfterSeconds: 1, method: 'POST' });
    recorder.record(denial('rs-0'));
    // Once the recorder has read the 429 (it logs the pause): before that, with two writes in
    // flight at most, a second Event may go out at once, which is no breach of Retry-After.
    await vi.waitFor(
      () =>
        expect(logs.lines.map((l) => l['msg'])).toContain(
          'the API asked to slow down (Retry-After); pausing Kubernetes Events',
        ),
      { timeout: 2_000, interval: 10 },
    );
    expect(writes()).toHaveLength(1);
    for (let i = 1; i <= 3; i += 1) recorder.record(denial(`rs-${i}`));
    await vi.waitFor(() => expect(writes()).toHaveLength(4), { timeout: 3_000, interval: 10 });
    // The pause began after the 429 left the server, so nothing may arrive within ~1 s of it.
    expect((writes()[1]?.at ?? 0) - (writes()[0]?.at ?? 0)).toBeGreaterThanOrEqual(900);
    await recorder.stop();
    expect(await listEvents(api, 'team-a')).toHaveLength(3);
  });

  it('given an API that never answers, stop() returns promptly and the requests are aborted', async () => {
    net.hang((req) => (req.url ?? '').startsWith(EVENTS));
    const { recorder } = await startRecorder({ callTimeoutMs: 300, stopTimeoutMs: 300 });
    for (let i = 0; i < 5; i += 1) recorder.record(denial(`rs-${i}`));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const began = Date.now();
    await recorder.stop();
    expect(Date.now() - began).toBeLessThan(1_000);
    expect(net.held.length).toBeGreaterThan(0);
    await vi.waitFor(() => expect(net.held.every((h) => h.closed)).toBe(true), {
      timeout: 2_000,
      interval: 20,
    });
  });
});

describe('leader election through client-node when the API hangs', () => {
  let api: FakeApiServer;
  let net: ReturnType<typeof hangs>;
  beforeEach(async () => {
    net = hangs();
    api = await startFakeApiServer({ extra: net.extra });
  });
  afterEach(async () => {
    net.hang(undefined);
    await api.close();
  });

  it('given Lease calls that never answer, steps down, leads again once they answer, and stop() returns promptly', async () => {
    const elector = createLeaderElector({
      api: await leaseApiFrom(fakeKubeConfig(api.url, 'a'), { timeoutMs: 1_500 }),
      ...LEASE,
      identity: 'a',
      leaseDurationMs: 3_000,
      renewDeadlineMs: 1_500,
      retryPeriodMs: 250,
    });
    elector.start();
    await vi.waitFor(() => expect(elector.isLeader()).toBe(true), { timeout: 3_000, interval: 20 });
    net.hang((req) => (req.url ?? '').includes('/leases'));
    await vi.waitFor(() => expect(elector.isLeader()).toBe(false), { timeout: 3_000, interval: 20 });
    net.hang(undefined);
    await vi.waitFor(() => expect(elector.isLeader()).toBe(true), { timeout: 5_000, interval: 20 });
    net.hang((req) => (req.url ?? '').includes('/leases'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const began = Date.now();
    await elector.stop();
    expect(Date.now() - began).toBeLessThan(2_000);
    await vi.waitFor(() => expect(net.held.every((h) => h.closed)).toBe(true), {
      timeout: 3_000,
      interval: 20,
    });
  });
});
