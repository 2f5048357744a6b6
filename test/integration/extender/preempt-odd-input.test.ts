// Preempt and prioritize over HTTP (a real listen on 127.0.0.1:0) with odd but readable bodies:
// nulls where Go reads a zero value, victims without a UID, empty maps, repeated and unknown names.
// Each answer is 200 and in Go's spelling unless Go itself could not read the body (then 400).
import type { AddressInfo } from 'node:net';
import { rawNode, rawPod, type SnapshotStore } from '@corral/cluster';
import { Value } from '@sinclair/typebox/value';
import {
  smallCluster,
  withScheduling,
} from '../../../plugins/scheduler-extender/src/testing/small-cluster.js';
import { RESPONSE_SCHEMAS } from '../../../plugins/scheduler-extender/src/transport/routes.js';
import { testExtender, type TestExtender } from './lab-cluster.js';

/**
 * smallCluster plus res pods r1 on shared-1 and r3 on shared-3 (a third shared node, zone b), a
 * colocate rule in res-ns towards app=cache (running on shared-3), and two more shared nodes:
 * shared-4 runs a pod of new-ns, a namespace the snapshot does not hold yet, shared-5 one of sandbox.
 */
function cluster(): SnapshotStore {
  const store = withScheduling(smallCluster(), 'res-ns', {
    colocate: [{ selector: { matchLabels: { app: 'cache' } }, weight: 1 }],
  });
  store.upsert('Node', rawNode('shared-3', { labels: { 'topology.kubernetes.io/zone': 'b' } }), 'test');
  store.upsert('Pod', rawPod('res-ns', 'r1', { nodeName: 'shared-1', uid: 'u-r1' }), 'test');
  const cache = { nodeName: 'shared-3', uid: 'u-r3', labels: { app: 'cache' } };
  store.upsert('Pod', rawPod('res-ns', 'r3', cache), 'test');
  store.upsert('Node', rawNode('shared-4'), 'test');
  store.upsert('Node', rawNode('shared-5'), 'test');
  store.upsert('Pod', rawPod('new-ns', 'early', { nodeName: 'shared-4', uid: 'u-early' }), 'test');
  store.upsert('Pod', rawPod('sandbox', 'sb', { nodeName: 'shared-5', uid: 'u-sb' }), 'test');
  return store;
}

const POD = {
  metadata: { name: 'preemptor', namespace: 'res-ns', uid: 'u-preemptor' },
  spec: { containers: [{ name: 'c' }] },
};

type Victims = Record<string, { Pods: { UID: string }[]; NumPDBViolations: number }>;

describe('extender preempt and prioritize over HTTP, odd input', () => {
  const store = cluster();
  let extender: TestExtender;
  let base: string;

  beforeAll(async () => {
    extender = testExtender(store);
    await extender.app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(extender.app.server.address() as AddressInfo).port}`;
  });
  afterAll(() => extender.close());

  async function post(verb: string, body: unknown): Promise<{ status: number; json: unknown }> {
    const response = await fetch(`${base}/scheduler/${verb}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, json: await response.json() };
  }

  /** The preempt answer, checked to be 200 and to match the response schema (Go's names, integers). */
  async function preempt(body: unknown): Promise<Victims> {
    const { status, json } = await post('preempt', body);
    expect(status).toBe(200);
    expect(Value.Errors(RESPONSE_SCHEMAS.preempt, json).First()?.message).toBeUndefined();
    return (json as { NodeNameToMetaVictims: Victims }).NodeNameToMetaVictims;
  }

  const R1 = { Pods: [{ UID: 'u-r1' }], NumPDBViolations: 2 };

  describe('preempt', () => {
    it.each([
      ['no victim map', {}],
      ['both maps null', { NodeNameToVictims: null, NodeNameToMetaVictims: null }],
      ['an empty MetaVictims map', { NodeNameToMetaVictims: {} }],
      ['an empty Victims map', { NodeNameToVictims: {} }],
    ])('given %s, answers an empty NodeNameToMetaVictims', async (_what, victims) => {
      expect(await preempt({ Pod: POD, ...victims })).toEqual({});
    });

    it.each([
      ['a UID that is absent', [{}]],
      ['a UID that is null', [{ UID: null }]],
      ['a UID that is empty', [{ UID: '' }]],
      ['a MetaPod that is null', [null]],
      ['one good victim and one without UID', [{ UID: 'u-r3' }, { uid: null }]],
    ])(
      'given MetaVictims with %s on one node (Go reads it as UID ""), drops that node only',
      async (_what, pods) => {
        const answer = await preempt({
          Pod: POD,
          NodeNameToMetaVictims: { 'shared-3': { Pods: pods, NumPDBViolations: 0 }, 'shared-1': R1 },
        });
        expect(answer).toEqual({ 'shared-1': R1 });
      },
    );

    it.each([
      ['a pod that is null', [null]],
      ['a pod without metadata', [{ spec: {} }]],
      ['a pod whose metadata is null', [{ metadata: null }]],
      ['a pod without metadata.uid', [{ metadata: { name: 'r3', namespace: 'res-ns' } }]],
    ])('given full Victims with %s on one node, drops that node only', async (_what, pods) => {
      const r1 = { metadata: { name: 'r1', namespace: 'res-ns', uid: 'u-r1' } };
      const answer = await preempt({
        Pod: POD,
        NodeNameToVictims: {
          'shared-3': { Pods: pods, NumPDBViolations: 0 },
          'shared-1': { Pods: [r1], NumPDBViolations: 2 },
        },
      });
      expect(answer).toEqual({ 'shared-1': R1 });
    });

    it('given a node whose victims map to null, or carry Pods null and NumPDBViolations null, drops it', async () => {
      const answer = await preempt({
        Pod: POD,
        NodeNameToMetaVictims: {
          'shared-3': null,
          'gpu-2': { Pods: null, NumPDBViolations: null },
          'shared-1': { Pods: [{ UID: 'u-r1' }], NumPDBViolations: null },
        },
      });
      expect(answer).toEqual({ 'shared-1': { Pods: [{ UID: 'u-r1' }], NumPDBViolations: 0 } });
    });

    it.each([1.5, 1e300, '2', true])(
      'given NumPDBViolations %j (Go cannot read it into an int64), answers 400 naming the field',
      async (violations) => {
        const { status, json } = await post('preempt', {
          Pod: POD,
          NodeNameToMetaVictims: { 'shared-1': { Pods: [{ UID: 'u-r1' }], NumPDBViolations: violations } },
        });
        expect(status).toBe(400);
        expect((json as { message: string }).message).toBe(
          'victims on node shared-1: NumPDBViolations must be an integer',
        );
      },
    );

    it.each([
      ['NodeNameToMetaVictims', { NodeNameToMetaVictims: [] }],
      ['NodeNameToVictims', { NodeNameToVictims: 'shared-1' }],
    ])('given %s that is not an object, answers 400 naming that field', async (field, victims) => {
      const { status, json } = await post('preempt', { Pod: POD, ...victims });
      expect(status).toBe(400);
      expect((json as { message: string }).message).toBe(`${field} must be an object keyed by node name`);
    });

    it("given a preemptor of no department and a victim of a namespace Corral's cache does not hold yet, drops that node", async () => {
      const victims = (uid: string) => ({ Pods: [{ UID: uid }], NumPDBViolations: 0 });
      const answer = await preempt({
        Pod: { ...POD, metadata: { ...POD.metadata, namespace: 'sandbox' } },
        NodeNameToMetaVictims: { 'shared-4': victims('u-early'), 'shared-5': victims('u-sb') },
      });
      expect(answer).toEqual({ 'shared-5': victims('u-sb') });
    });

    it('given victims it drops, logs each dropped node with why', async () => {
      await preempt({
        Pod: POD,
        NodeNameToMetaVictims: {
          'shared-1': R1,
          'fin-1': { Pods: [], NumPDBViolations: 0 },
          'shared-2': { Pods: [{ UID: 'uid-web-ns-shop-1' }], NumPDBViolations: 0 },
        },
      });
      const line = extender.logs.lines.filter((entry) => entry['verb'] === 'preempt').at(-1);
      expect(line).toMatchObject({ level: 'info', pod: 'res-ns/preemptor', nodes: 3, kept: 1, dropped: 2 });
      expect(line?.['droppedWhy']).toMatch(
        /^fin-1: department-isolation: node is dedicated to department fin/,
      );
      expect(line?.['droppedWhy']).toContain('; shared-2: victim web-ns/shop-1 belongs to web, not to res');
    });
    it('given more than 10 dropped nodes, logs the first 10 reasons and how many more', async () => {
      const ghosts = Array.from({ length: 12 }, (_, i) => [`ghost-${i}`, R1] as const);
      expect(await preempt({ Pod: POD, NodeNameToMetaVictims: Object.fromEntries(ghosts) })).toEqual({});
      const line = extender.logs.lines.filter((entry) => entry['verb'] === 'preempt').at(-1);
      expect(line).toMatchObject({ kept: 0, dropped: 12 });
      const why = String(line?.['droppedWhy']);
      expect(why.split('; ').slice(0, 10)).toEqual(
        ghosts.slice(0, 10).map(([node]) => `${node}: node ${node} is not in Corral's node cache`),
      );
      expect(why.endsWith("ghost-9: node ghost-9 is not in Corral's node cache; and 2 more")).toBe(true);
    });
  });

  describe('prioritize', () => {
    /** The prioritize answer, checked to be 200, schema-valid, and one integer 0..10 per host. */
    async function prioritize(body: unknown): Promise<Record<string, number>> {
      const { status, json } = await post('prioritize', body);
      expect(status).toBe(200);
      expect(Value.Errors(RESPONSE_SCHEMAS.prioritize, json).First()?.message).toBeUndefined();
      const list = json as { Host: string; Score: number }[];
      expect(new Set(list.map((entry) => entry.Host)).size).toBe(list.length);
      return Object.fromEntries(list.map((entry) => [entry.Host, entry.Score]));
    }

    /** Full mode: a Node object per name, with the labels the snapshot holds (the pod wants no GPU). */
    const full = (names: string[]) => ({
      Nodes: {
        metadata: {},
        items: names.map((name) => rawNode(name, { labels: { ...store.node(name)?.labels } })),
      },
      NodeNames: null,
    });

    it.each([
      ['zero nodes', [], true],
      ['one node', ['shared-3'], true],
      ['repeated names', ['shared-3', 'shared-1', 'shared-3', 'shared-1'], true],
      ['unknown names', ['ghost-1', 'shared-3', 'ghost-2'], false],
      [
        'every node and an unknown one',
        ['shared-1', 'shared-2', 'shared-3', 'fin-1', 'gpu-1', 'ghost'],
        false,
      ],
    ])('given %s, answers each distinct host once with an integer 0..10', async (_what, names, known) => {
      const byName = await prioritize({ Pod: POD, NodeNames: names });
      expect(Object.keys(byName)).toEqual([...new Set(names)]);
      for (const name of names) if (!store.node(name)) expect(byName[name]).toBe(0);
      // Full mode sends a Node object for each name, so no node is unknown there: the same scores
      // only when the names were all known.
      const inFull = await prioritize({ Pod: POD, ...full(names) });
      if (known) expect(inFull).toEqual(byName);
      else expect(Object.keys(inFull)).toEqual(Object.keys(byName));
    });

    it('given the colocation partner on one of two shared nodes, scores it 10 and the other 0, in both modes', async () => {
      const names = ['shared-1', 'shared-3'];
      expect(await prioritize({ Pod: POD, NodeNames: names })).toEqual({ 'shared-1': 0, 'shared-3': 10 });
      expect(await prioritize({ Pod: POD, ...full(names) })).toEqual({ 'shared-1': 0, 'shared-3': 10 });
    });
  });
});
