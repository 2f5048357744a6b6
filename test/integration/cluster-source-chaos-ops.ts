/**
 * What the cluster-source chaos test does to the fake API server: writes of every watched kind
 * (valid, conflict-free policy objects, so the snapshot's last-good-version rules never keep an
 * older object on purpose) and the failures a real API server, etcd or network produces.
 */
import {
  rawDepartment,
  rawNamespace,
  rawNamespacePolicy,
  rawNode,
  rawPod,
  rawPvc,
  type WatchedKind,
} from '@corral/cluster';
import fc from 'fast-check';
import { RESOURCES } from '../../packages/cluster/src/sources/cluster/resources.js';
import type { GoneStyle, KubeObject } from './fake-apiserver/index.js';

export const NODES = ['n0', 'n1', 'n2'];
export const NAMESPACES = ['ns0', 'ns1', 'ns2', 'ns3'];
/** Departments that may exist; namespaces and nodes may also name `c`, which never does. */
export const DEPARTMENTS = ['a', 'b'];
export const LABELLED_DEPARTMENTS = [...DEPARTMENTS, 'c'];
const PODS = ['p0', 'p1', 'p2', 'p3'];
const CLAIMS = ['c0', 'c1'];
const DEPARTMENT_LABEL = 'corral.dev/department';

export type Op =
  | { readonly op: 'write'; readonly object: KubeObject }
  | { readonly op: 'delete'; readonly object: KubeObject }
  /**
   * The watches are cut; before they are back the object is deleted and created again (a new uid)
   * and etcd compacts: the watch comes back to a 410, and only the relist shows the new object.
   */
  | { readonly op: 'recreateUnseen'; readonly object: KubeObject }
  /** Destroys every watch socket at an event boundary. */
  | { readonly op: 'drop' }
  /** Writes part of an event line, then destroys every watch socket. */
  | { readonly op: 'cut' }
  /** Ends every watch stream cleanly (as kube-apiserver at timeoutSeconds). */
  | { readonly op: 'end' }
  /** ERROR 410 to every open watch. */
  | { readonly op: 'expireWatches' }
  /** etcd compaction: watches from before now get 410 (HTTP or ERROR event), so do continue tokens. */
  | { readonly op: 'compact'; readonly style: GoneStyle }
  /** The next LIST page's continue token is expired by a write and a compaction just before it is read. */
  | { readonly op: 'expireContinue' }
  | { readonly op: 'bookmark' }
  | {
      readonly op: 'fail';
      readonly count: number;
      readonly code: 429 | 500 | 503;
      readonly retryAfterSeconds: number | undefined;
      readonly target: 'list' | 'page' | 'watch' | 'any';
      readonly kind: WatchedKind | undefined;
    }
  /**
   * Watches hang (headers, then nothing), and with `lists` LISTs too (no answer), for `ms`; then
   * the hung requests reset or stay silent until the client gives up.
   */
  | {
      readonly op: 'hang';
      readonly ms: number;
      readonly lists: boolean;
      readonly release: 'drop' | 'stall';
    }
  /**
   * For `ms`, new watches of a kind get HTTP 200 and an ERROR event that is no 410: "Too large
   * resource version" (the client must relist) or a failing conversion webhook (a plain failure).
   */
  | {
      readonly op: 'watchError';
      readonly kind: WatchedKind;
      readonly error: 'tooLarge' | 'conversion';
      readonly ms: number;
    }
  /** New watch requests get no response headers for `ms`. */
  | { readonly op: 'noHeaders'; readonly ms: number }
  | { readonly op: 'sleep'; readonly ms: number };

const labelsOf = (department: string | undefined): Record<string, string> =>
  department === undefined ? {} : { [DEPARTMENT_LABEL]: department };
const maybeDepartment = fc.constantFrom(undefined, undefined, ...LABELLED_DEPARTMENTS);

const node = fc
  .record({
    name: fc.constantFrom(...NODES),
    department: maybeDepartment,
    gpu: fc.boolean(),
    zone: fc.constantFrom('z0', 'z1'),
    unschedulable: fc.boolean(),
  })
  .map(({ name, department, gpu, zone, unschedulable }) =>
    rawNode(name, {
      labels: {
        ...labelsOf(department),
        'kubernetes.io/hostname': name,
        'topology.kubernetes.io/zone': zone,
      },
      allocatable: { cpu: '8', memory: '32Gi', ...(gpu ? { 'nvidia.com/gpu': '2' } : {}) },
      unschedulable,
    }),
  );

const namespace = fc
  .record({ name: fc.constantFrom(...NAMESPACES), department: maybeDepartment })
  .map(({ name, department }) => rawNamespace(name, labelsOf(department)));

const pod = fc
  .record({
    namespace: fc.constantFrom(...NAMESPACES),
    name: fc.constantFrom(...PODS),
    nodeName: fc.constantFrom(undefined, ...NODES),
    phase: fc.constantFrom('Pending', 'Running', 'Running', 'Succeeded'),
    cpu: fc.constantFrom('100m', '1', '2'),
    gpu: fc.boolean(),
    app: fc.constantFrom('web', 'db'),
    terminating: fc.integer({ min: 0, max: 5 }).map((i) => i === 0),
  })
  .map((p) => {
    const raw = rawPod(p.namespace, p.name, {
      ...(p.nodeName === undefined ? {} : { nodeName: p.nodeName }),
      phase: p.phase,
      labels: { app: p.app },
      requests: { cpu: p.cpu, ...(p.gpu ? { 'nvidia.com/gpu': '1' } : {}) },
      ...(p.terminating ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}),
    });
    // The server gives each pod its uid: a pod deleted and created again is another pod.
    delete (raw['metadata'] as Record<string, unknown>)['uid'];
    return raw;
  });

const claim = fc
  .record({
    namespace: fc.constantFrom(...NAMESPACES),
    name: fc.constantFrom(...CLAIMS),
    storage: fc.constantFrom('1Gi', '5Gi'),
  })
  .map((c) => rawPvc(c.namespace, c.name, c.storage));

const department = fc
  .record({
    name: fc.constantFrom(...DEPARTMENTS),
    nodeIsolation: fc.constantFrom('dedicated', 'shared'),
    pods: fc.constantFrom('10', '50'),
  })
  .map((d) =>
    rawDepartment(d.name, {
      nodeIsolation: d.nodeIsolation,
      quota: { hard: { pods: d.pods } },
      storage: { pool: 'rbd', radosNamespace: d.name },
    }),
  );

const policy = fc
  .record({
    namespace: fc.constantFrom(...NAMESPACES),
    enforcement: fc.constantFrom('enforce', 'warn', 'audit'),
  })
  .map((p) => rawNamespacePolicy(p.namespace, 'policy', { enforcement: p.enforcement }));

/** Any object of a watched kind, weighted towards the hot kinds. */
export const anyObject: fc.Arbitrary<KubeObject> = fc.oneof(
  { arbitrary: node, weight: 2 },
  { arbitrary: namespace, weight: 2 },
  { arbitrary: pod, weight: 5 },
  { arbitrary: claim, weight: 1 },
  { arbitrary: department, weight: 2 },
  { arbitrary: policy, weight: 1 },
) as fc.Arbitrary<KubeObject>;

const fail: fc.Arbitrary<Op> = fc.record({
  op: fc.constant('fail' as const),
  count: fc.integer({ min: 1, max: 4 }),
  code: fc.constantFrom(429 as const, 500 as const, 503 as const),
  // A Retry-After of 1 s costs a second per failed LIST: rare.
  retryAfterSeconds: fc.constantFrom(undefined, undefined, undefined, 0, 0, 1),
  target: fc.constantFrom('list' as const, 'page' as const, 'watch' as const, 'any' as const),
  kind: fc.constantFrom(undefined, ...(Object.keys(RESOURCES) as WatchedKind[])),
});

export const anyOp: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: anyObject.map((object) => ({ op: 'write' as const, object })), weight: 30 },
  { arbitrary: anyObject.map((object) => ({ op: 'delete' as const, object })), weight: 10 },
  { arbitrary: fc.integer({ min: 0, max: 40 }).map((ms) => ({ op: 'sleep' as const, ms })), weight: 15 },
  {
    arbitrary: (fc.oneof(pod, claim) as fc.Arbitrary<KubeObject>).map((object) => ({
      op: 'recreateUnseen' as const,
      object,
    })),
    weight: 2,
  },
  { arbitrary: fc.constant({ op: 'drop' as const }), weight: 2 },
  { arbitrary: fc.constant({ op: 'cut' as const }), weight: 2 },
  { arbitrary: fc.constant({ op: 'end' as const }), weight: 2 },
  { arbitrary: fc.constant({ op: 'expireWatches' as const }), weight: 1 },
  {
    arbitrary: fc
      .constantFrom<GoneStyle>('http', 'event')
      .map((style) => ({ op: 'compact' as const, style })),
    weight: 2,
  },
  { arbitrary: fc.constant({ op: 'expireContinue' as const }), weight: 1 },
  { arbitrary: fc.constant({ op: 'bookmark' as const }), weight: 2 },
  { arbitrary: fail, weight: 3 },
  {
    arbitrary: fc
      .record({
        ms: fc.integer({ min: 20, max: 300 }),
        lists: fc.boolean(),
        release: fc.constantFrom('drop' as const, 'stall' as const),
      })
      .map(({ ms, lists, release }) => ({ op: 'hang' as const, ms, lists, release })),
    weight: 1,
  },
  {
    arbitrary: fc.record({
      op: fc.constant('watchError' as const),
      kind: fc.constantFrom(...(Object.keys(RESOURCES) as WatchedKind[])),
      error: fc.constantFrom('tooLarge' as const, 'conversion' as const),
      ms: fc.integer({ min: 20, max: 200 }),
    }),
    weight: 1,
  },
  {
    arbitrary: fc.integer({ min: 20, max: 700 }).map((ms) => ({ op: 'noHeaders' as const, ms })),
    weight: 1,
  },
);

/** A short label of an op, for failure reports. */
export function describeOp(op: Op): string {
  if (op.op !== 'write' && op.op !== 'delete' && op.op !== 'recreateUnseen') return JSON.stringify(op);
  const { kind, metadata } = op.object;
  return `${op.op} ${kind ?? '?'} ${metadata.namespace ? `${metadata.namespace}/` : ''}${metadata.name}`;
}

/** The ERROR event's Status for a watchError op, as kube-apiserver sends it. */
export function watchErrorStatus(error: 'tooLarge' | 'conversion', resourceVersion: string): unknown {
  const status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure' };
  return error === 'tooLarge'
    ? {
        ...status,
        message: `Timeout: Too large resource version: ${resourceVersion}, current: 2`,
        reason: 'Timeout',
        details: { causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }] },
        code: 504,
      }
    : {
        ...status,
        message: 'conversion webhook for corral.dev/v1alpha1 failed',
        reason: 'InternalError',
        code: 500,
      };
}
