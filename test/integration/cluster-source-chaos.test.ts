import { isDeepStrictEqual } from 'node:util';
import { describeProblem } from '@corral/policy';
import { SnapshotStore, WATCHED_KINDS, type WatchedKind } from '@corral/cluster';
import fc from 'fast-check';
import pino from 'pino';
import { type ClusterSource, startClusterSource } from '../../packages/cluster/src/sources/cluster/index.js';
import { RESOURCES } from '../../packages/cluster/src/sources/cluster/resources.js';
import { AppliedLog } from './cluster-source-chaos-applied.js';
import {
  anyObject,
  anyOp,
  describeOp,
  LABELLED_DEPARTMENTS,
  NAMESPACES,
  NODES,
  type Op,
  watchErrorStatus,
} from './cluster-source-chaos-ops.js';
import {
  type FakeApiServer,
  fakeKubeConfig,
  type KubeObject,
  type RequestFilter,
  startFakeApiServer,
} from './fake-apiserver/index.js';
import { watchTap, type WatchTap } from './fake-apiserver/watch-tap.js';
import { delay, waitFor } from '../support/wait-for.js';

/**
 * Chaos against the cluster source: a fake API server speaking the real list/watch protocol
 * (resourceVersions, LIST pages with limit/continue, bookmarks, 410 Gone as HTTP status, as ERROR
 * event and for an expired continue token, event lines split across chunks) takes a random sequence
 * of writes to every watched kind and of failures: watch streams dropped, cut in the middle of an
 * event, ended cleanly, hung without data; LISTs hung; etcd compactions (objects deleted and
 * created again unseen); expiring continue tokens; 200 + ERROR watches; 429/500/503 with and
 * without Retry-After; requests without response headers. After a quiet period, the
 * snapshot must equal the server's state exactly (every object at its last version, deleted ones
 * gone, every index), every pod or claim gone must have been announced removed (onApplied), and
 * every kind must read synced; while every watch hangs for longer than the
 * staleness limit (stall detection plus unsyncedAfterMs), the source must read not synced.
 */

const TIMING = {
  unsyncedAfterMs: 400,
  listTimeoutMs: 500,
  shortWatchMs: 50,
  watchTimeoutSeconds: { min: 1, max: 1 },
  stallGraceMs: 300,
};
const BACKOFF = { initialMs: 10, maxMs: 100, jitter: 0.2 };
/**
 * A hang is noticed when a watch outlives timeoutSeconds + grace (1.3 s after it started at most);
 * its silence since it opened or since its last event counts against unsyncedAfterMs. Silent for
 * less than that, the next watch (after a backoff) hangs too and its whole silence counts.
 */
const STALENESS_LIMIT_MS =
  TIMING.watchTimeoutSeconds.max * 1000 + TIMING.stallGraceMs + TIMING.unsyncedAfterMs + BACKOFF.maxMs;
/** Timers run late on a loaded machine. */
const SLACK_MS = 1_000;

/** mulberry32: a small seeded generator, so jitter and chunk splits follow the run's seed. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const keyOf = (o: KubeObject) => `${o.kind ?? ''}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;

/** The server plus the truth: the last stored copy of every object the test wrote and did not delete. */
class Cluster {
  readonly truth = new Map<string, KubeObject>();
  /** Set by expireContinue: the next later LIST page finds its token compacted. */
  expireNextContinue = false;
  private touches = 0;

  private constructor(
    readonly server: FakeApiServer,
    readonly tap: WatchTap,
  ) {}

  static async start(random: () => number): Promise<Cluster> {
    const tap = watchTap(random);
    const holder: { cluster?: Cluster } = {};
    const server = await startFakeApiServer({
      extra: (req, res, url) => {
        const cluster = holder.cluster;
        if (cluster?.expireNextContinue && url.searchParams.has('continue')) {
          cluster.expireNextContinue = false;
          cluster.touch();
          cluster.server.expireHistory('http');
        }
        return tap.handler(req, res, url);
      },
    });
    holder.cluster = new Cluster(server, tap);
    return holder.cluster;
  }

  write(object: KubeObject): void {
    const stored = this.server.upsert(object);
    this.truth.set(keyOf(stored), stored);
  }

  delete(object: KubeObject): void {
    if (this.server.remove(object)) this.truth.delete(keyOf(object));
  }

  /** A write after a continue token's revision: the compaction that follows expires the token. */
  touch(): void {
    this.write({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'n-touch', labels: { touch: `${++this.touches}` } },
    });
  }

  objectsOf(kind: WatchedKind): KubeObject[] {
    return [...this.truth.values()].filter((o) => o.kind === kind);
  }

  /** Every failure off: only a quiet, healthy server from here. */
  heal(): void {
    this.expireNextContinue = false;
    this.server.clearFailures();
    this.server.resumeWatches();
    this.server.errorWatches(undefined);
    this.tap.unhang('drop');
  }
}

type OpOf<K extends Op['op']> = Extract<Op, { op: K }>;

/** Which requests a `fail` op fails. */
function failFilter({ target, kind }: OpOf<'fail'>): RequestFilter {
  return {
    ...(kind === undefined ? {} : { path: RESOURCES[kind].path }),
    ...(target === 'list' ? { watch: false, continue: false } : {}),
    ...(target === 'page' ? { watch: false, continue: true } : {}),
    ...(target === 'watch' ? { watch: true } : {}),
  };
}

/** How each op is done to the cluster; the timed ones resolve once their time is over. */
const OPS: { readonly [K in Op['op']]: (cluster: Cluster, op: OpOf<K>) => void | Promise<void> } = {
  write: (cluster, op) => cluster.write(op.object),
  delete: (cluster, op) => cluster.delete(op.object),
  recreateUnseen: (cluster, op) => {
    cluster.server.dropWatches();
    cluster.delete(op.object);
    cluster.write(op.object);
    cluster.server.expireHistory('http');
  },
  drop: ({ server }) => server.dropWatches(),
  cut: ({ tap }) => void tap.cutMidEvent(),
  end: ({ server }) => server.endWatches(),
  expireWatches: ({ server }) => server.expireOpenWatches(),
  compact: ({ server }, op) => server.expireHistory(op.style),
  expireContinue: (cluster) => void (cluster.expireNextContinue = true),
  bookmark: ({ server }) => server.bookmark(),
  fail: ({ server }, op) =>
    server.failNext(op.count, {
      code: op.code,
      ...(op.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: op.retryAfterSeconds }),
      ...failFilter(op),
    }),
  hang: async ({ tap }, op) => {
    tap.hang({ lists: op.lists });
    await delay(op.ms);
    tap.unhang(op.release);
  },
  watchError: async ({ server }, op) => {
    const status = watchErrorStatus(op.error, server.resourceVersion());
    server.errorWatches(status, { path: RESOURCES[op.kind].path });
    await delay(op.ms);
    server.errorWatches(undefined);
  },
  noHeaders: async ({ server }, op) => {
    server.pauseWatches();
    await delay(op.ms);
    server.resumeWatches();
  },
  sleep: (_cluster, op) => delay(op.ms).then(() => undefined),
};

async function applyOp(cluster: Cluster, op: Op): Promise<void> {
  await (OPS[op.op] as (cluster: Cluster, op: Op) => void | Promise<void>)(cluster, op);
}

const sorted = <T>(items: Iterable<T>, key: (item: T) => string): T[] =>
  [...items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));

/** Everything the services read from a snapshot, as one comparable value. */
function digest(store: SnapshotStore) {
  const nodes = [...NODES, 'n-touch'];
  const podKeys = (pods: ReadonlyMap<string, unknown>) => [...pods.keys()].sort();
  return {
    nodes: sorted(store.nodes(), (n) => n.name),
    namespaces: sorted(store.namespaces(), (n) => n.name),
    pods: NAMESPACES.flatMap((ns) => ['p0', 'p1', 'p2', 'p3'].map((name) => store.pod(ns, name) ?? null)),
    claims: NAMESPACES.flatMap((ns) => ['c0', 'c1'].map((name) => store.pvc(ns, name) ?? null)),
    departments: sorted(store.departments(), (d) => d.metadata.name),
    policies: NAMESPACES.map((ns) => store.namespacePolicy(ns) ?? null),
    departmentOfNamespace: NAMESPACES.map((ns) => store.departmentOfNamespace(ns) ?? null),
    isolationOfNamespace: NAMESPACES.map((ns) => store.isolationDepartmentOfNamespace(ns) ?? null),
    namespacesOfDepartment: LABELLED_DEPARTMENTS.map((d) => [...store.namespacesOfDepartment(d)].sort()),
    podsOnNode: nodes.map((n) => podKeys(store.podsOnNode(n))),
    podsNominatedTo: nodes.map((n) => podKeys(store.podsNominatedTo(n))),
    departmentsOnNode: nodes.map((n) => sorted(store.departmentsOnNode(n), ([d]) => d)),
    spread: nodes.flatMap((n) =>
      ['web', 'db'].map((app) =>
        NAMESPACES.map((namespace) =>
          store.countPodsInDomain({
            namespace,
            topologyKey: 'kubernetes.io/hostname',
            domain: n,
            labelKey: 'app',
            labelValue: app,
          }),
        ),
      ),
    ),
    usageOfNamespace: NAMESPACES.map((ns) => sorted(store.usageOfNamespace(ns), ([k]) => k)),
    usageOfDepartment: LABELLED_DEPARTMENTS.map((d) => sorted(store.usageOfDepartment(d), ([k]) => k)),
    problems: store.problems().map(describeProblem).sort(),
    invalid: store.invalidPolicies().length,
  };
}

/** The snapshot a fresh source would build from the server's state now: one LIST of every kind. */
function expectedDigest(cluster: Cluster): ReturnType<typeof digest> {
  const store = new SnapshotStore();
  for (const kind of WATCHED_KINDS) store.replaceAll(kind, cluster.objectsOf(kind), 'cluster');
  return digest(store);
}

interface Hang {
  /** Written while the API server hangs: the snapshot must have them once it answers again. */
  readonly writes: readonly KubeObject[];
  /** How long the hang lasts past the point where every kind must read not synced. */
  readonly extraMs: number;
  readonly release: 'drop' | 'stall';
}

interface Running {
  readonly cluster: Cluster;
  readonly store: SnapshotStore;
  readonly source: ClusterSource;
  readonly readiness: Map<WatchedKind, boolean>;
  readonly applied: AppliedLog;
  readonly random: () => number;
}

async function start(seed: number, pageSize: number, initial: readonly KubeObject[]): Promise<Running> {
  const random = seeded(seed);
  const cluster = await Cluster.start(random);
  for (const object of initial) cluster.write(object);
  const store = new SnapshotStore();
  const applied = new AppliedLog(store);
  const readiness = new Map<WatchedKind, boolean>();
  const source = startClusterSource({
    kubeConfig: fakeKubeConfig(cluster.server.url, 'token'),
    sink: store,
    logger: pino({ level: 'silent' }),
    readiness: (kind, synced) => readiness.set(kind, synced),
    random,
    listPageSize: pageSize,
    backoff: BACKOFF,
    timing: TIMING,
  });
  return { cluster, store, source, readiness, random, applied };
}

const allReady = (r: Running) =>
  r.source.synced() && WATCHED_KINDS.every((kind) => r.readiness.get(kind) === true);

/** Waits for a quiet period to bring the snapshot to the server's state, then checks it exactly. */
async function expectConverged(r: Running, what: string): Promise<void> {
  const matches = () => allReady(r) && isDeepStrictEqual(digest(r.store), expectedDigest(r.cluster));
  // No writes; a BOOKMARK every 100 ms, as kube-apiserver sends them to quiet watches (about once a
  // minute there), so a kind whose resumed watch stays quiet need not wait for its timeout.
  const bookmarks = setInterval(() => r.cluster.server.bookmark(), 100);
  await waitFor(matches, what, 10_000)
    .catch(() => undefined)
    .finally(() => clearInterval(bookmarks));
  expect(digest(r.store), what).toEqual(expectedDigest(r.cluster));
  expect(r.source.status(), what).toEqual(
    Object.fromEntries(WATCHED_KINDS.map((kind) => [kind, expect.objectContaining({ synced: true })])),
  );
  expect(allReady(r), what).toBe(true);
  expect(r.applied.mistakes(), what).toEqual([]);
}

/** Every watch hangs: the source must read not synced once the hang outlasts the staleness limit. */
async function expectUnsyncedDuringHang(r: Running, hang: Hang): Promise<void> {
  r.cluster.tap.hang({ lists: true });
  for (const object of hang.writes) r.cluster.write(object);
  const unsynced = () => !r.source.synced() && WATCHED_KINDS.every((kind) => r.readiness.get(kind) === false);
  await waitFor(unsynced, 'every kind not synced during a hang', STALENESS_LIMIT_MS + SLACK_MS);
  // And so it stays while the hang lasts: no relist, no watch can sync a kind again.
  for (const end = Date.now() + hang.extraMs; Date.now() < end; await delay(20)) {
    expect(unsynced(), 'not synced while the hang lasts').toBe(true);
  }
  r.cluster.tap.unhang(hang.release);
}

const scenario = fc.record({
  seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
  /** LIST page size; 0: one request for everything. */
  pageSize: fc.constantFrom(0, 1, 2, 2, 3),
  /** Start the chaos once every kind has synced (else during the first lists). */
  settled: fc.boolean(),
  initial: fc.array(anyObject, { minLength: 4, maxLength: 20 }),
  ops: fc.array(anyOp, { minLength: 20, maxLength: 60 }),
  /** A hang of every watch and LIST after the quiet period (one run in three). */
  hang: fc.oneof(
    { arbitrary: fc.constant(null), weight: 2 },
    {
      arbitrary: fc.record({
        writes: fc.array(anyObject, { maxLength: 4 }),
        extraMs: fc.integer({ min: 100, max: 500 }),
        release: fc.constantFrom('drop' as const, 'stall' as const),
      }),
      weight: 1,
    },
  ),
});

describe('cluster source chaos: the snapshot converges to the API server state', () => {
  it('after any sequence of writes and failures, and reads not synced during a long hang', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ seed, pageSize, settled, initial, ops, hang }) => {
        const r = await start(seed, pageSize, initial);
        try {
          if (settled) await waitFor(() => allReady(r), 'first sync', 10_000);
          for (const op of ops) {
            await applyOp(r.cluster, op);
            // Spread the ops over time, so that they meet lists and watches in every state.
            await delay(Math.floor(r.random() * 25));
          }
          r.cluster.heal();
          await expectConverged(r, `after: ${ops.map(describeOp).join(', ')}`);
          if (hang !== null) {
            await expectUnsyncedDuringHang(r, hang);
            await expectConverged(r, `after a hang released by ${hang.release}`);
          }
        } finally {
          await r.source.stop();
          await r.cluster.server.close();
        }
      }),
      // About 40 s on a quiet machine; each run starts its own server and source.
      { seed: 20_261_124, numRuns: 24, endOnFailure: true },
    );
  }, 120_000);
});
