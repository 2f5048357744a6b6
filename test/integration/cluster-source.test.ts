import { SnapshotStore } from '@corral/cluster';
import pino from 'pino';
import { type SnapshotSink, WATCHED_KINDS, type WatchedKind } from '../../packages/cluster/src/sink.js';
import {
  type ClusterSource,
  type ClusterSourceOptions,
  startClusterSource,
} from '../../packages/cluster/src/sources/cluster/index.js';
import {
  type FakeApiServer,
  fakeKubeConfig,
  type KubeObject,
  startFakeApiServer,
} from './fake-apiserver/index.js';
import { delay, waitFor } from '../support/wait-for.js';

const TOKEN = 'corral-test-token-5f2c9a71e3';

type SinkCall =
  | { op: 'replaceAll'; kind: WatchedKind; keys: string[] }
  | { op: 'upsert' | 'remove'; kind: WatchedKind; key: string; rv: string };

function keyOf(item: unknown): string {
  const meta = (item as KubeObject).metadata;
  return meta.namespace === undefined ? meta.name : `${meta.namespace}/${meta.name}`;
}

/** A sink that keeps what a snapshot would hold (a map per kind) and every call made to it. */
class RecordingSink implements SnapshotSink {
  readonly objects = new Map<WatchedKind, Map<string, KubeObject>>(WATCHED_KINDS.map((k) => [k, new Map()]));
  readonly calls: SinkCall[] = [];

  replaceAll(kind: WatchedKind, items: readonly unknown[]): void {
    const map = this.map(kind);
    map.clear();
    for (const item of items) map.set(keyOf(item), item as KubeObject);
    this.calls.push({ op: 'replaceAll', kind, keys: items.map(keyOf).sort() });
  }

  upsert(kind: WatchedKind, item: unknown): void {
    this.map(kind).set(keyOf(item), item as KubeObject);
    this.calls.push({
      op: 'upsert',
      kind,
      key: keyOf(item),
      rv: (item as KubeObject).metadata.resourceVersion ?? '',
    });
  }

  remove(kind: WatchedKind, item: unknown): void {
    this.map(kind).delete(keyOf(item));
    this.calls.push({
      op: 'remove',
      kind,
      key: keyOf(item),
      rv: (item as KubeObject).metadata.resourceVersion ?? '',
    });
  }

  keys(kind: WatchedKind): string[] {
    return [...this.map(kind).keys()].sort();
  }

  callsFor(kind: WatchedKind): SinkCall[] {
    return this.calls.filter((c) => c.kind === kind);
  }

  private map(kind: WatchedKind): Map<string, KubeObject> {
    const map = this.objects.get(kind);
    if (map === undefined) throw new Error(`unknown kind ${kind}`);
    return map;
  }
}

const pod = (name: string, extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'team-a' },
  spec: { containers: [{ name: 'app', image: 'harbor.example.com/a/app:1' }] },
  ...extra,
});
const node = (name: string, extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name },
  ...extra,
});

function seed(server: FakeApiServer): void {
  server.upsert(node('n1'));
  server.upsert({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } });
  server.upsert(pod('p1'));
  server.upsert({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: 'data', namespace: 'team-a' },
  });
  server.upsert({
    apiVersion: 'corral.dev/v1alpha1',
    kind: 'Department',
    metadata: { name: 'finance' },
    spec: {},
  });
  server.upsert({
    apiVersion: 'corral.dev/v1alpha1',
    kind: 'NamespacePolicy',
    metadata: { name: 'policy', namespace: 'team-a' },
    spec: { enforcement: 'enforce' },
  });
}

interface Harness {
  readonly server: FakeApiServer;
  readonly sink: RecordingSink;
  readonly source: ClusterSource;
  readonly logs: string[];
  readonly readiness: [WatchedKind, boolean, string][];
}

let running: Harness[] = [];

async function start(
  options: { seed?: boolean; before?: (s: FakeApiServer) => void } & Partial<ClusterSourceOptions> = {},
): Promise<Harness> {
  const server = await startFakeApiServer();
  if (options.seed !== false) seed(server);
  options.before?.(server);
  const sink = new RecordingSink();
  const logs: string[] = [];
  const readiness: Harness['readiness'] = [];
  const source = startClusterSource({
    kubeConfig: fakeKubeConfig(server.url, TOKEN),
    sink,
    logger: pino({ level: 'debug' }, { write: (line: string) => logs.push(line) }),
    readiness: (kind, synced, reason) => readiness.push([kind, synced, reason]),
    random: () => 0.5,
    ...options,
    backoff: { initialMs: 20, maxMs: 200, jitter: 0, ...options.backoff },
  });
  const harness = { server, sink, source, logs, readiness };
  running.push(harness);
  return harness;
}

async function startSynced(options: Parameters<typeof start>[0] = {}): Promise<Harness> {
  const h = await start(options);
  await waitFor(() => h.source.synced(), 'initial sync');
  const kinds = options.kinds?.length ?? WATCHED_KINDS.length;
  await waitFor(() => h.server.openWatches() === kinds, 'all watches open');
  return h;
}

afterEach(async () => {
  for (const h of running) {
    await h.source.stop();
    await h.server.close();
  }
  running = [];
});

const listCount = (h: Harness, path: string) => h.server.requests.count({ path, watch: false });
const lastWatch = (h: Harness, path: string) => h.server.requests.last({ path, watch: true });

describe('cluster source against a fake API server', () => {
  it('lists every kind into the sink and becomes ready only once every kind has synced', async () => {
    const h = await start({
      before: (server) => server.failNext(1_000, { path: '/api/v1/pods', watch: false }),
    });
    await waitFor(() => h.readiness.filter(([, synced]) => synced).length === 5, 'five kinds synced');
    expect(h.source.synced()).toBe(false);
    expect(h.source.status().Pod).toMatchObject({ synced: false, resourceVersion: '' });
    await waitFor(() => (h.source.status().Pod?.restarts ?? 0) >= 2, 'pod list retried');

    h.server.clearFailures();
    await waitFor(() => h.source.synced(), 'all kinds synced');
    expect(h.readiness.filter(([kind]) => kind === 'Pod')).toEqual([
      ['Pod', false, 'waiting for the first LIST'],
      ['Pod', false, 'not listed yet: LIST /api/v1/pods: injected failure (500)'],
      ['Pod', true, 'listed 1 objects'],
    ]);
    expect(h.source.status().Pod?.lastError).toContain('injected failure');
    for (const kind of WATCHED_KINDS) {
      expect(h.sink.callsFor(kind)[0]?.op).toBe('replaceAll');
      expect(h.sink.keys(kind)).toHaveLength(1);
    }
    expect(h.sink.keys('NamespacePolicy')).toEqual(['team-a/policy']);
  });

  it('hands the sink the JSON the server sent: type meta filled in, string timestamps, unknown fields kept', async () => {
    const h = await startSynced({
      before: (server) => {
        server.upsert(node('n2', { spec: { fieldFromTheFuture: { x: 1 } } }));
      },
    });
    const listed = h.sink.objects.get('Node')?.get('n2');
    expect(listed).toMatchObject({ apiVersion: 'v1', kind: 'Node', spec: { fieldFromTheFuture: { x: 1 } } });
    expect(typeof listed?.metadata.creationTimestamp).toBe('string');
  });

  it('passes ADDED, MODIFIED and DELETED to the sink in order', async () => {
    const h = await startSynced();
    const added = h.server.upsert(pod('p2'));
    const modified = h.server.upsert(pod('p2', { status: { phase: 'Running' } }));
    h.server.remove(pod('p1'));
    h.server.upsert(pod('p3'));
    await waitFor(() => h.sink.keys('Pod').includes('team-a/p3'), 'p3 upserted');

    expect(h.sink.callsFor('Pod').slice(1)).toEqual([
      { op: 'upsert', kind: 'Pod', key: 'team-a/p2', rv: added.metadata.resourceVersion },
      { op: 'upsert', kind: 'Pod', key: 'team-a/p2', rv: modified.metadata.resourceVersion },
      { op: 'remove', kind: 'Pod', key: 'team-a/p1', rv: expect.any(String) },
      { op: 'upsert', kind: 'Pod', key: 'team-a/p3', rv: expect.any(String) },
    ]);
    expect(h.sink.keys('Pod')).toEqual(['team-a/p2', 'team-a/p3']);
    expect(h.sink.objects.get('Pod')?.get('team-a/p2')?.status).toEqual({ phase: 'Running' });
  });

  it('moves the resourceVersion on BOOKMARK without touching the sink; the next watch starts there', async () => {
    const h = await startSynced();
    for (const name of ['p2', 'p3', 'p4']) h.server.upsert(pod(name));
    await waitFor(() => h.sink.keys('Pod').length === 4, 'pods arrived');
    const nodeCallsBefore = h.sink.callsFor('Node').length;
    expect(h.source.status().Node?.resourceVersion).not.toBe(h.server.resourceVersion());

    h.server.bookmark();
    const bookmarked = h.server.resourceVersion();
    await waitFor(() => h.source.status().Node?.resourceVersion === bookmarked, 'node resourceVersion moved');
    expect(h.sink.callsFor('Node')).toHaveLength(nodeCallsBefore);

    const watchesBefore = h.server.requests.count({ path: '/api/v1/nodes', watch: true });
    h.server.endWatches();
    await waitFor(
      () => h.server.requests.count({ path: '/api/v1/nodes', watch: true }) > watchesBefore,
      'node watch resumed',
    );
    expect(lastWatch(h, '/api/v1/nodes')?.query).toMatchObject({
      resourceVersion: bookmarked,
      allowWatchBookmarks: 'true',
    });
    expect(listCount(h, '/api/v1/nodes')).toBe(1);
  });

  it.each(['http', 'event'] as const)(
    'on 410 Gone (%s), relists: objects deleted during the gap disappear, nothing is doubled',
    async (style) => {
      const h = await startSynced();
      h.server.upsert(pod('p2'));
      await waitFor(() => h.sink.keys('Pod').length === 2, 'p2 arrived');

      h.server.pauseWatches();
      h.server.dropWatches();
      h.server.remove(pod('p1'));
      h.server.upsert(pod('p3'));
      h.server.upsert(pod('p2', { status: { phase: 'Succeeded' } }));
      h.server.expireHistory(style);
      await waitFor(
        () => h.server.requests.count({ path: '/api/v1/pods', watch: true }) >= 2,
        'pod watch retried',
      );
      h.server.resumeWatches();

      await waitFor(() => listCount(h, '/api/v1/pods') === 2, 'pods relisted');
      await waitFor(() => h.server.openWatches() === WATCHED_KINDS.length, 'watches reopened');
      const afterRelist = h.sink.callsFor('Pod').slice(2);
      expect(afterRelist).toEqual([{ op: 'replaceAll', kind: 'Pod', keys: ['team-a/p2', 'team-a/p3'] }]);
      expect(h.sink.keys('Pod')).toEqual(['team-a/p2', 'team-a/p3']);
      expect(h.sink.objects.get('Pod')?.get('team-a/p2')?.status).toEqual({ phase: 'Succeeded' });
      expect(h.source.status().Pod?.resourceVersion).toBe(h.server.resourceVersion());
      expect(h.source.synced()).toBe(true);

      h.server.upsert(pod('p4'));
      await waitFor(() => h.sink.keys('Pod').includes('team-a/p4'), 'watching again after relist');
    },
  );

  it('on an ERROR 410 event in an open watch, relists and carries on', async () => {
    const h = await startSynced();
    h.server.upsert(pod('p2'));
    await waitFor(() => h.sink.keys('Pod').length === 2, 'p2 arrived');
    h.server.expireOpenWatches();
    await waitFor(
      () => WATCHED_KINDS.every((k) => h.sink.callsFor(k).filter((c) => c.op === 'replaceAll').length === 2),
      'every kind relisted',
    );
    expect(listCount(h, '/api/v1/pods')).toBe(2);
    expect(h.sink.keys('Pod')).toEqual(['team-a/p1', 'team-a/p2']);
    expect(h.source.synced()).toBe(true);
  });

  it('after a dropped connection, resumes from the last resourceVersion without relisting', async () => {
    const h = await startSynced();
    h.server.upsert(pod('p2'));
    await waitFor(() => h.sink.keys('Pod').length === 2, 'p2 arrived');
    const lastSeen = h.source.status().Pod?.resourceVersion;

    h.server.pauseWatches();
    h.server.dropWatches();
    h.server.remove(pod('p1'));
    h.server.upsert(pod('p3'));
    await waitFor(
      () => h.server.requests.count({ path: '/api/v1/pods', watch: true }) >= 2,
      'pod watch retried',
    );
    h.server.resumeWatches();

    await waitFor(() => h.sink.keys('Pod').join() === 'team-a/p2,team-a/p3', 'missed events replayed');
    expect(lastWatch(h, '/api/v1/pods')?.query.resourceVersion).toBe(lastSeen);
    expect(listCount(h, '/api/v1/pods')).toBe(1);
    expect(
      h.sink
        .callsFor('Pod')
        .slice(2)
        .map((c) => c.op),
    ).toEqual(['remove', 'upsert']);
    expect(h.source.status().Pod?.restarts).toBeGreaterThanOrEqual(1);
    expect(h.source.status().Pod?.lastError).toContain('Premature close');
  });

  it('after 500s, restarts with growing delays, relists after three failed watches and converges', async () => {
    const h = await startSynced();
    h.server.failNext(4, { path: '/api/v1/nodes' });
    h.server.dropWatches();
    h.server.upsert(node('n2'));
    await waitFor(() => h.sink.keys('Node').includes('n2'), 'node list recovered');
    // n2 arrives with the last LIST; the watch after it may not have been sent yet.
    await waitFor(
      () => h.server.requests.all({ path: '/api/v1/nodes' }).length >= 8,
      'node watch after the list',
    );

    // After the first LIST and watch: drop, 500 on two watches (three failed watches: relist),
    // 500 on two LISTs, then LIST and watch.
    const nodeRequests = h.server.requests.all({ path: '/api/v1/nodes' }).slice(2);
    expect(nodeRequests.map((r) => (r.watch ? 'watch' : 'list'))).toEqual([
      'watch',
      'watch',
      'list',
      'list',
      'list',
      'watch',
    ]);
    const gaps = nodeRequests.slice(1, 5).map((r, i) => r.at - (nodeRequests[i]?.at ?? 0));
    // drop → 20 ms, then four 500s → 40, 80, 160, 200 (capped); timers never fire early.
    [40, 80, 160, 200].forEach((min, i) => expect(gaps[i]).toBeGreaterThanOrEqual(min - 2));
    expect(h.source.status().Node).toMatchObject({ synced: true, restarts: 5 });
    expect(h.source.status().Node?.lastError).toBe('LIST /api/v1/nodes: injected failure (500)');
    const nodeLogs = h.logs.filter((l) => l.includes('"kind":"Node"'));
    expect(nodeLogs.filter((l) => l.includes('informer restarting'))).toHaveLength(5);
    expect(nodeLogs.filter((l) => l.includes('watch keeps failing; relisting'))).toHaveLength(1);
  });

  it('reports a kind unsynced only when it stays broken, and synced again when it recovers', async () => {
    const h = await startSynced({ timing: { unsyncedAfterMs: 300 } });
    h.server.failNext(1_000, { path: '/api/v1/namespaces' });
    h.server.dropWatches();
    await waitFor(() => !h.source.synced(), 'unsynced');
    expect(h.readiness.at(-1)).toEqual(['Namespace', false, expect.stringContaining('failing for 300 ms')]);
    expect(h.source.status().Node?.synced).toBe(true);

    h.server.clearFailures();
    await waitFor(() => h.source.synced(), 'synced again');
    // Three failed watches in a row made it relist.
    expect(h.readiness.at(-1)).toEqual(['Namespace', true, 'listed 1 objects']);
  });

  it('after a clean end of the stream, watches again from the last resourceVersion at once', async () => {
    const h = await startSynced();
    h.server.upsert(pod('p2'));
    h.server.bookmark();
    await waitFor(
      () => h.source.status().Node?.resourceVersion === h.server.resourceVersion(),
      'bookmarks seen',
    );
    const at = h.server.resourceVersion();
    const before = h.server.requests.count({ watch: true });

    h.server.endWatches();
    await waitFor(
      () => h.server.requests.count({ watch: true }) === before + WATCHED_KINDS.length,
      'rewatched',
    );
    for (const r of h.server.requests.all({ watch: true }).slice(before))
      expect(r.query.resourceVersion).toBe(at);
    h.server.upsert(pod('p3'));
    await waitFor(() => h.sink.keys('Pod').includes('team-a/p3'), 'p3 after resume');
    expect(h.server.requests.count({ watch: false })).toBe(WATCHED_KINDS.length);
    for (const kind of WATCHED_KINDS) expect(h.source.status()[kind]?.restarts).toBe(0);
  });

  it('treats a stream that ends at once without events as a failure and backs off', async () => {
    const h = await startSynced({ kinds: ['Department'], timing: { shortWatchMs: 60_000 } });
    h.server.endWatches();
    await waitFor(() => h.source.status().Department?.restarts === 1, 'restart counted');
    expect(h.source.status().Department?.lastError).toContain('without events');
    await waitFor(() => h.server.openWatches() === 1, 'watch reopened');
  });

  it('stop() closes every watch and makes no request afterwards, even while backing off', async () => {
    const h = await startSynced();
    h.server.failNext(1_000, { path: '/api/v1/pods' });
    h.server.dropWatches();
    await waitFor(() => (h.source.status().Pod?.restarts ?? 0) >= 2, 'pods backing off');
    await h.source.stop();
    await waitFor(() => h.server.openWatches() === 0, 'watches closed');
    const requests = h.server.requests.count();
    const calls = h.sink.calls.length;
    h.server.upsert(pod('late'));
    await delay(400);
    expect(h.server.requests.count()).toBe(requests);
    expect(h.sink.calls).toHaveLength(calls);
    await h.source.stop();
  });

  it('leaves no sockets or timers behind once stopped', async () => {
    const baseline = process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
    const h = await startSynced();
    h.server.dropWatches();
    await waitFor(() => WATCHED_KINDS.every((k) => h.source.status()[k]?.restarts === 1), 'dropped');
    await waitFor(() => h.server.openWatches() === WATCHED_KINDS.length, 'reconnected');
    await h.source.stop();
    await h.server.close();
    running = [];
    await waitFor(
      () => process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length <= baseline,
      'sockets closed',
    );
    await waitFor(() => !process.getActiveResourcesInfo().includes('Timeout'), 'timers cleared');
  });

  it('feeds a real SnapshotStore: list, watch and relist leave it consistent', async () => {
    const store = new SnapshotStore();
    const server = await startFakeApiServer();
    server.upsert(node('n1'));
    server.upsert({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'team-a', labels: { 'corral.dev/department': 'finance' } },
    });
    server.upsert({
      apiVersion: 'corral.dev/v1alpha1',
      kind: 'Department',
      metadata: { name: 'finance' },
      spec: { nodeIsolation: 'shared' },
    });
    server.upsert(pod('p1', { spec: { nodeName: 'n1', containers: [{ name: 'app', image: 'a/app:1' }] } }));
    const source = startClusterSource({
      kubeConfig: fakeKubeConfig(server.url, TOKEN),
      sink: store,
      logger: pino({ level: 'silent' }),
      backoff: { initialMs: 20, maxMs: 200 },
    });
    running.push({ server, source, sink: new RecordingSink(), logs: [], readiness: [] });
    await waitFor(() => source.synced(), 'synced');
    expect(store.departmentOfNamespace('team-a')).toBe('finance');
    expect([...store.podsOnNode('n1').keys()]).toEqual(['team-a/p1']);

    server.upsert(pod('p2', { spec: { nodeName: 'n1', containers: [{ name: 'app', image: 'a/app:1' }] } }));
    await waitFor(() => store.podsOnNode('n1').size === 2, 'p2 on n1');

    server.pauseWatches();
    server.dropWatches();
    server.remove(pod('p1'));
    server.expireHistory('event');
    await waitFor(
      () => server.requests.count({ path: '/api/v1/pods', watch: true }) >= 2,
      'pod watch retried',
    );
    server.resumeWatches();
    await waitFor(() => server.requests.count({ path: '/api/v1/pods', watch: false }) === 2, 'relisted');
    await waitFor(() => store.podsOnNode('n1').size === 1, 'p1 gone after relist');
    expect([...store.podsOnNode('n1').keys()]).toEqual(['team-a/p2']);
    expect(store.departmentsOnNode('n1')).toEqual(new Map([['finance', 1]]));
    expect(store.problems()).toEqual([]);
  });

  it('sends the bearer token but never logs it', async () => {
    const h = await startSynced();
    h.server.failNext(2, { path: '/api/v1/nodes' });
    h.server.pauseWatches();
    h.server.dropWatches();
    h.server.upsert(pod('p2'));
    h.server.expireHistory('http');
    h.server.resumeWatches();
    await waitFor(() => (h.source.status().Node?.restarts ?? 0) >= 3, 'node restarts');
    await waitFor(() => listCount(h, '/api/v1/pods') === 2, 'pods relisted after 410');
    await h.source.stop();

    expect(new Set(h.server.requests.all().map((r) => r.authorization))).toEqual(
      new Set([`Bearer ${TOKEN}`]),
    );
    expect(h.logs.length).toBeGreaterThan(10);
    expect(h.logs.some((l) => l.includes('informer restarting'))).toBe(true);
    expect(h.logs.join('\n')).not.toContain(TOKEN);
  });
});
