import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createEventRecorder, eventsApiFrom, type EventToRecord } from '@corral/runtime';
import { Registry } from 'prom-client';
import { fakeKubeConfig, startFakeApiServer, type FakeApiServer } from './fake-apiserver/index.js';

/**
 * @corral/runtime's event recorder through client-node against the fake API server, behind a proxy
 * that can hold the answer to a request the server has already committed until after the client's
 * timeout: the create or patch landed, the recorder saw no answer. A retry must not make a second
 * Event or count twice; an Event that expired under its series is created again.
 */

const EVENTS = '/apis/events.k8s.io/v1/namespaces';
const CLIENT_TIMEOUT_MS = 300;
/** Longer than the client waits: the answer arrives after it has given the request up. */
const HOLD_MS = 1_000;

const denial: EventToRecord = {
  regarding: { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', namespace: 'team-a', uid: 'uid-web' },
  type: 'Warning',
  reason: 'PolicyDenied',
  action: 'Deny',
  note: 'Corral denied creating a Pod: [quota] no room',
};

interface LateProxy {
  readonly url: string;
  /** The next `count` requests matching `method` are forwarded at once but answered only after HOLD_MS. */
  answerLate(method: string, count: number): void;
  /** Requests whose answer was held and that the server had answered (committed) meanwhile. */
  readonly committedLate: { method: string; status: number }[];
  close(): Promise<void>;
}

async function startLateProxy(upstream: string): Promise<LateProxy> {
  const late = new Map<string, number>();
  const committedLate: { method: string; status: number }[] = [];
  const server: Server = createServer((req, res) => {
    const method = req.method ?? 'GET';
    const hold = (late.get(method) ?? 0) > 0 && (req.url ?? '').startsWith(EVENTS);
    if (hold) late.set(method, (late.get(method) ?? 0) - 1);
    const forwarded = request(`${upstream}${req.url ?? '/'}`, { method, headers: req.headers }, (up) => {
      const chunks: Buffer[] = [];
      up.on('data', (chunk: Buffer) => chunks.push(chunk));
      up.on('end', () => {
        if (hold) committedLate.push({ method, status: up.statusCode ?? 0 });
        setTimeout(
          () => {
            if (res.destroyed) return;
            res.writeHead(up.statusCode ?? 502, up.headers);
            res.end(Buffer.concat(chunks));
          },
          hold ? HOLD_MS : 0,
        );
      });
    });
    forwarded.on('error', () => res.destroy());
    (req as IncomingMessage).pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    answerLate: (method, count) => late.set(method, count),
    committedLate,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function listEvents(api: FakeApiServer, namespace: string): Promise<Record<string, unknown>[]> {
  const res = await fetch(`${api.url}${EVENTS}/${namespace}/events`);
  return ((await res.json()) as { items: Record<string, unknown>[] }).items;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Kubernetes Events whose writes land but whose answers come too late (fake API server)', () => {
  let api: FakeApiServer;
  let proxy: LateProxy;
  beforeEach(async () => {
    api = await startFakeApiServer();
    proxy = await startLateProxy(api.url);
  });
  afterEach(async () => {
    await proxy.close();
    await api.close();
  });

  const startRecorder = async () => {
    const registry = new Registry();
    const recorder = createEventRecorder({
      api: await eventsApiFrom(fakeKubeConfig(proxy.url, 'events'), { timeoutMs: CLIENT_TIMEOUT_MS }),
      controller: 'corral.dev/admission',
      instance: 'adm-0',
      registry,
      seriesFlushMs: 50,
      callTimeoutMs: CLIENT_TIMEOUT_MS,
    });
    return { recorder, registry };
  };
  /** The recorder's calls (the test's own lists of the collection left out). */
  const writes = () =>
    api.requests
      .all()
      .filter(
        (r) =>
          r.path.startsWith(`${EVENTS}/team-a/events/`) || (r.path.startsWith(EVENTS) && r.method !== 'GET'),
      )
      .map((r) => r.method);

  it('given a create committed after the client gave it up, a repeat finds it (409 AlreadyExists) and makes no second Event', async () => {
    const { recorder } = await startRecorder();
    proxy.answerLate('POST', 1);
    recorder.record(denial);
    await vi.waitFor(() => expect(proxy.committedLate).toEqual([{ method: 'POST', status: 201 }]), {
      timeout: 2_000,
      interval: 10,
    });
    // The client has given the create up; the Event is stored all the same.
    await sleep(CLIENT_TIMEOUT_MS + 100);
    expect(await listEvents(api, 'team-a')).toHaveLength(1);
    recorder.record(denial);
    await vi.waitFor(() => expect(writes()).toEqual(['POST', 'POST', 'GET', 'PATCH']), {
      timeout: 3_000,
      interval: 10,
    });
    recorder.record(denial);
    await recorder.stop();
    const events = await listEvents(api, 'team-a');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ reportingInstance: 'adm-0', series: { count: 3 } });
  });

  it('given a series patch committed after the client gave it up, the next one writes the absolute count (no double count)', async () => {
    const { recorder } = await startRecorder();
    recorder.record(denial);
    await recorder.flush();
    proxy.answerLate('PATCH', 1);
    recorder.record(denial);
    await vi.waitFor(() => expect(proxy.committedLate).toEqual([{ method: 'PATCH', status: 200 }]), {
      timeout: 2_000,
      interval: 10,
    });
    await sleep(CLIENT_TIMEOUT_MS + 100);
    recorder.record(denial);
    await recorder.stop();
    const events = await listEvents(api, 'team-a');
    expect(events).toHaveLength(1);
    expect(events[0]?.['series']).toMatchObject({ count: 3 });
  });

  it('given the Event removed by the API server (expired) under a running series, creates it again with the count so far', async () => {
    const { recorder, registry } = await startRecorder();
    recorder.record(denial);
    await recorder.flush();
    const [stored] = await listEvents(api, 'team-a');
    const name = (stored?.['metadata'] as { name: string }).name;
    expect(
      api.remove({ apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: { name, namespace: 'team-a' } }),
    ).toBe(true);
    recorder.record(denial);
    recorder.record(denial);
    await vi.waitFor(() => expect(writes()).toEqual(['POST', 'PATCH', 'POST', 'PATCH']), {
      timeout: 3_000,
      interval: 10,
    });
    await recorder.stop();
    const events = await listEvents(api, 'team-a');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ metadata: { name }, series: { count: 3 } });
    const dropped = (await registry.getSingleMetric('corral_kube_events_dropped_total')?.get())?.values ?? [];
    expect(dropped.filter((v) => v.value > 0)).toEqual([]);
  });
});
