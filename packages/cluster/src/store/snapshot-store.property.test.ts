import { compareByAge, describeProblem, type Validated } from '@corral/policy';
import fc from 'fast-check';
import type { WatchedKind } from '../sink.js';
import {
  rawDepartment,
  rawNamespace,
  rawNamespacePolicy,
  rawNode,
  rawPod,
  rawPvc,
} from '../testing/raw-objects.js';
import { objectKey, readRef, refKey } from '../views/object-ref.js';
import { toPodView } from '../views/pod-view.js';
import { toPvcView } from '../views/pvc-view.js';
import { toNodeView } from '../views/node-view.js';
import { countPodsInDomainNaively, recomputeIndexes, type RecomputedIndexes } from './full-recompute.js';
import { SnapshotStore } from './snapshot-store.js';

// The key correctness test: after any sequence of events, the incremental indexes equal a plain
// recomputation from the objects the store holds, and the store holds exactly the last version of
// every object the events left.

const NODES = ['n0', 'n1', 'n2'];
const NAMESPACES = ['ns0', 'ns1', 'ns2', 'ns3'];
const DEPARTMENTS = ['a', 'b', 'c'];
const TIMES = ['2024-01-01T00:00:00Z', '2024-02-01T00:00:00Z', undefined];

const labels = fc.constantFrom<Record<string, string>>(
  {},
  { 'corral.dev/department': 'a' },
  { 'corral.dev/department': 'b' },
  { 'corral.dev/department': 'c' },
  { team: 'x' },
  { team: 'x', 'corral.dev/department': 'a' },
);
const namespace = fc
  .record({ name: fc.constantFrom(...NAMESPACES), labels })
  .map((n) => rawNamespace(n.name, n.labels));
const ZONES = ['z0', 'z1'];
const node = fc
  .record({ name: fc.constantFrom(...NODES), zone: fc.constantFrom(undefined, ...ZONES) })
  .map(({ name, zone }) =>
    rawNode(name, {
      labels: { 'kubernetes.io/hostname': name, ...(zone ? { 'topology.kubernetes.io/zone': zone } : {}) },
    }),
  );
const department = fc
  .record({
    name: fc.constantFrom(...DEPARTMENTS),
    time: fc.constantFrom(...TIMES),
    teamSelector: fc.boolean(),
    pool: fc.constantFrom(undefined, 'x', 'y'),
    invalid: fc.integer({ min: 0, max: 4 }).map((i) => i === 0),
  })
  .map((d) =>
    rawDepartment(
      d.name,
      {
        ...(d.teamSelector ? { namespaceSelector: { matchLabels: { team: 'x' } } } : {}),
        ...(d.pool ? { storage: { pool: 'rbd', radosNamespace: d.pool } } : {}),
        ...(d.invalid ? { nodeIsolation: 'nope' } : {}),
      },
      d.time,
    ),
  );
const policy = fc
  .record({
    ns: fc.constantFrom(...NAMESPACES),
    name: fc.constantFrom('p', 'q'),
    time: fc.constantFrom(...TIMES),
  })
  .map((p) => rawNamespacePolicy(p.ns, p.name, { enforcement: 'warn' }, p.time));
const pod = fc
  .record({
    ns: fc.constantFrom('ns0', 'ns0', 'ns0', 'ns1', 'ns2', 'ns3'),
    name: fc.constantFrom('p0', 'p1', 'p2', 'p3', 'p4', 'p5'),
    nodeName: fc.constantFrom(undefined, 'n0', 'n0', 'n0', 'n1', 'n2'),
    phase: fc.constantFrom('Pending', 'Running', 'Running', 'Succeeded', 'Failed'),
    cpu: fc.constantFrom(undefined, '100m', '1', '2500m'),
    gpu: fc.constantFrom(undefined, '1'),
    app: fc.constantFrom(undefined, 'web', 'db'),
    nominated: fc.constantFrom(undefined, undefined, 'n0', 'n1'),
    // Being deleted (a rolling update's old replica): out of the spread counts, still on its node.
    deleting: fc.constantFrom(false, false, true),
  })
  .map((p) => {
    const raw = rawPod(p.ns, p.name, {
      ...(p.nodeName ? { nodeName: p.nodeName } : {}),
      phase: p.phase,
      labels: p.app ? { app: p.app } : {},
      requests: { ...(p.cpu ? { cpu: p.cpu } : {}), ...(p.gpu ? { 'nvidia.com/gpu': p.gpu } : {}) },
      limits: { memory: '1Gi' },
      ...(p.deleting ? { deletionTimestamp: '2024-03-01T00:00:00Z' } : {}),
    });
    return p.nominated ? { ...raw, status: { phase: p.phase, nominatedNodeName: p.nominated } } : raw;
  });
const pvc = fc
  .record({
    ns: fc.constantFrom(...NAMESPACES),
    name: fc.constantFrom('c0', 'c1'),
    size: fc.constantFrom('1Gi', '10Gi'),
  })
  .map((c) => rawPvc(c.ns, c.name, c.size));

const objects: Record<WatchedKind, fc.Arbitrary<Record<string, unknown>>> = {
  Node: node,
  Namespace: namespace,
  Pod: pod,
  PersistentVolumeClaim: pvc,
  Department: department,
  NamespacePolicy: policy,
};

type Event =
  | { op: 'upsert' | 'remove'; kind: WatchedKind; item: Record<string, unknown> }
  | { op: 'replaceAll' | 'replacePaged'; kind: WatchedKind; items: Record<string, unknown>[] };

const kind = fc.constantFrom<WatchedKind>(
  'Pod',
  'Pod',
  'Pod',
  'Namespace',
  'Department',
  'PersistentVolumeClaim',
  'NamespacePolicy',
  'Node',
);
const event: fc.Arbitrary<Event> = kind.chain((k) =>
  fc.oneof(
    { weight: 6, arbitrary: objects[k].map((item) => ({ op: 'upsert' as const, kind: k, item })) },
    { weight: 2, arbitrary: objects[k].map((item) => ({ op: 'remove' as const, kind: k, item })) },
    {
      weight: 1,
      arbitrary: fc
        .array(objects[k], { maxLength: 5 })
        .map((items) => ({ op: 'replaceAll' as const, kind: k, items })),
    },
    {
      weight: 1,
      arbitrary: fc
        .array(objects[k], { maxLength: 5 })
        .map((items) => ({ op: 'replacePaged' as const, kind: k, items })),
    },
  ),
);

/** The naive model: the last version of every object, by kind and key. */
function applyToModel(model: Map<WatchedKind, Map<string, unknown>>, e: Event): void {
  const table = model.get(e.kind) ?? new Map<string, unknown>();
  model.set(e.kind, table);
  const key = (item: unknown) => refKey(readRef(e.kind, item)!);
  if (e.op === 'replaceAll' || e.op === 'replacePaged') {
    table.clear();
    for (const item of e.items) table.set(key(item), item);
  } else if (e.op === 'upsert') table.set(key(e.item), e.item);
  else if (e.op === 'remove') table.delete(key(e.item));
}

function valueOf<T>(result: Validated<T>): T {
  if (!result.ok) throw new Error('generated an invalid object');
  return result.value;
}

function views<T>(
  model: Map<WatchedKind, Map<string, unknown>>,
  k: WatchedKind,
  convert: (raw: unknown) => T,
): T[] {
  return [...(model.get(k)?.values() ?? [])].map(convert);
}

/** Every (zone or hostname, namespace, app value) the generators can produce, and a few they cannot. */
const DOMAIN_QUERIES = [
  ...[...ZONES, 'z9'].map((domain) => ({ topologyKey: 'topology.kubernetes.io/zone', domain })),
  ...NODES.map((domain) => ({ topologyKey: 'kubernetes.io/hostname', domain })),
].flatMap((where) =>
  NAMESPACES.flatMap((namespace) =>
    ['web', 'db', 'none'].map((labelValue) => ({ ...where, namespace, labelKey: 'app', labelValue })),
  ),
);

function expectNodeIndexes(store: SnapshotStore, expected: RecomputedIndexes): void {
  expect(
    NODES.map((n) => ({
      node: n,
      pods: new Set(store.podsOnNode(n).keys()),
      departments: store.departmentsOnNode(n),
      unknown: store.unknownNamespacesOnNode(n),
      nominated: new Set(store.podsNominatedTo(n).keys()),
    })),
  ).toEqual(
    NODES.map((n) => ({
      node: n,
      pods: expected.podsOnNode.get(n) ?? new Set(),
      departments: expected.departmentsOnNode.get(n) ?? new Map(),
      unknown: expected.unknownNamespacesOnNode.get(n) ?? new Map(),
      nominated: expected.nominatedTo.get(n) ?? new Set(),
    })),
  );
}

function expectConsistent(store: SnapshotStore, model: Map<WatchedKind, Map<string, unknown>>): void {
  const pods = views(model, 'Pod', (raw) => valueOf(toPodView(raw, 't')));
  const pvcs = views(model, 'PersistentVolumeClaim', (raw) => valueOf(toPvcView(raw, 't')));
  expect(pods.map((p) => store.pod(p.namespace, p.name))).toEqual(pods);
  expect(pvcs.map((c) => store.pvc(c.namespace, c.name))).toEqual(pvcs);
  expect([...store.namespaces()].map((n) => n.name).sort()).toEqual(
    [...(model.get('Namespace')?.keys() ?? [])].sort(),
  );
  expect([...store.nodes()].length).toBe(model.get('Node')?.size ?? 0);
  const expected = recomputeIndexes({
    namespaces: store.namespaces(),
    pods,
    pvcs,
    departments: store.departments(),
    compareByAge,
  });
  // (One expect per index, over every namespace, department, node or query: a failure's diff names the
  // entry; an expect per entry made the test spend most of its time in expect itself.)
  expect(
    NAMESPACES.map((ns) => ({
      namespace: ns,
      department: store.departmentOfNamespace(ns),
      isolation: store.isolationDepartmentOfNamespace(ns),
      usage: store.usageOfNamespace(ns),
    })),
  ).toEqual(
    NAMESPACES.map((ns) => ({
      namespace: ns,
      department: expected.departmentOfNamespace.get(ns),
      isolation: expected.isolationDepartmentOfNamespace.get(ns),
      usage: expected.usageOfNamespace.get(ns) ?? new Map(),
    })),
  );
  expect(
    DEPARTMENTS.map((d) => ({
      department: d,
      usage: store.usageOfDepartment(d),
      namespaces: [...store.namespacesOfDepartment(d)].sort(),
    })),
  ).toEqual(
    DEPARTMENTS.map((d) => ({
      department: d,
      usage: expected.usageOfDepartment.get(d) ?? new Map(),
      namespaces: NAMESPACES.filter((ns) => expected.departmentOfNamespace.get(ns) === d),
    })),
  );
  expectNodeIndexes(store, expected);
  const nodes = new Map(views(model, 'Node', (raw) => valueOf(toNodeView(raw, 't'))).map((n) => [n.name, n]));
  expect(DOMAIN_QUERIES.map((query) => ({ query, count: store.countPodsInDomain(query) }))).toEqual(
    DOMAIN_QUERIES.map((query) => ({ query, count: countPodsInDomainNaively(pods, nodes, query) })),
  );
  expectOnlyExisting(store, model);
  const served = [...store.departments()];
  expect(new Set(served.map((d) => d.spec.storage?.radosNamespace ?? d.metadata.name)).size).toBe(
    served.length,
  );
}

/** Nothing deleted is served or reported: served policies and problems name objects in the model. */
function expectOnlyExisting(store: SnapshotStore, model: Map<WatchedKind, Map<string, unknown>>): void {
  const exists = (kind: string, namespace: string | undefined, name: string) =>
    model.get(kind as WatchedKind)?.has(objectKey(namespace, name)) === true;
  for (const d of store.departments()) expect(exists('Department', undefined, d.metadata.name)).toBe(true);
  for (const ns of NAMESPACES) {
    const served = store.namespacePolicy(ns);
    if (served) expect(exists('NamespacePolicy', ns, served.metadata.name), `policy in ${ns}`).toBe(true);
  }
  for (const problem of store.problems())
    expect(exists(problem.kind, problem.namespace, problem.name), describeProblem(problem)).toBe(true);
}

/** Applies an event; a paged replace goes in pages of two, as an informer's LIST with limit=2. */
function apply(store: SnapshotStore, e: Event): void {
  if (e.op === 'upsert' || e.op === 'remove') return store[e.op](e.kind, e.item, 'test');
  if (!('items' in e)) return;
  if (e.op === 'replaceAll') return store.replaceAll(e.kind, e.items, 'test');
  const session = store.beginReplace(e.kind, 'test');
  for (let at = 0; at < e.items.length; at += 2) session.page(e.items.slice(at, at + 2));
  session.end();
}

describe('SnapshotStore property: incremental indexes equal a full recomputation', () => {
  it('after any sequence of events', () => {
    fc.assert(
      fc.property(fc.array(event, { minLength: 20, maxLength: 100, size: 'max' }), (events) => {
        const store = new SnapshotStore();
        const model = new Map<WatchedKind, Map<string, unknown>>();
        const late = new SnapshotStore();
        for (const e of events) {
          for (const target of [store, late]) apply(target, e);
          applyToModel(model, e);
          expectConsistent(store, model);
        }
        // Indexes built on demand (countPodsInDomain) from a store that already holds everything.
        expectConsistent(late, model);
      }),
      { numRuns: 150 },
    );
  });
});
