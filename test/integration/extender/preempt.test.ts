// The preempt verb over HTTP (a real listen on 127.0.0.1:0): both victim encodings in, MetaVictims
// out, Go's case-insensitive keys, and the proposals it must drop or keep; plus the filter answers
// preemption relies on (resolvable or not).
import type { AddressInfo } from 'node:net';
import { rawNode, rawPod, type SnapshotStore } from '@corral/cluster';
import {
  smallCluster,
  withScheduling,
} from '../../../plugins/scheduler-extender/src/testing/small-cluster.js';
import { testExtender, type TestExtender } from './lab-cluster.js';

const ZONE = 'topology.kubernetes.io/zone';
const GPUS = { cpu: '8', memory: '8Gi', pods: '110', 'nvidia.com/gpu': '4' };

/**
 * smallCluster (shop-1 of web on shared-2, zone b; train-1 of res holding 3 of gpu-1's 4 GPUs) plus:
 * fin-gpu (fin's GPU node, all 4 GPUs used by fin) running a no-department pod too; other-b (web,
 * app=other) on shared-2; and a spread rule in web-ns, at most 1 pod per app and zone.
 */
function cluster(): SnapshotStore {
  const store = withScheduling(smallCluster(), 'web-ns', {
    spread: [{ labelKey: 'app', topologyKey: ZONE, maxPerDomain: 1 }],
  });
  const labels = { 'corral.dev/department': 'fin', 'corral.dev/role': 'gpu' };
  store.upsert('Node', rawNode('fin-gpu', { labels, allocatable: GPUS }), 'test');
  const gpus = { requests: { 'nvidia.com/gpu': '4' } };
  store.upsert('Pod', rawPod('fin-ns', 'fin-train', { nodeName: 'fin-gpu', ...gpus }), 'test');
  store.upsert('Pod', rawPod('sandbox', 'sb-victim', { nodeName: 'fin-gpu', uid: 'u-sb' }), 'test');
  const other = { nodeName: 'shared-2', labels: { app: 'other' }, uid: 'u-other' };
  store.upsert('Pod', rawPod('web-ns', 'other-b', other), 'test');
  return store;
}

const SHOP_1 = 'uid-web-ns-shop-1';
const TRAIN_1 = 'uid-res-ns-train-1';

function pod(namespace: string, extra: { labels?: Record<string, string>; gpus?: string } = {}) {
  const resources = extra.gpus ? { requests: { 'nvidia.com/gpu': extra.gpus } } : {};
  return {
    metadata: { name: 'preemptor', namespace, uid: 'u-preemptor', labels: extra.labels ?? {} },
    spec: { containers: [{ name: 'c', resources }] },
  };
}

/** NodeNameToMetaVictims for [node, UIDs, NumPDBViolations] proposals. */
function meta(...proposals: [string, string[], number][]) {
  return Object.fromEntries(
    proposals.map(([node, uids, pdb]) => [
      node,
      { Pods: uids.map((UID) => ({ UID })), NumPDBViolations: pdb },
    ]),
  );
}

type PreemptAnswer = {
  NodeNameToMetaVictims: Record<string, { Pods: { UID: string }[]; NumPDBViolations: number }>;
};
type FilterAnswer = {
  NodeNames: string[] | null;
  Nodes: { items: unknown[] } | null;
  FailedNodes: Record<string, string>;
  FailedAndUnresolvableNodes: Record<string, string>;
};

describe('extender preempt over HTTP', () => {
  let extender: TestExtender;
  let base: string;

  beforeAll(async () => {
    extender = testExtender(cluster());
    await extender.app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(extender.app.server.address() as AddressInfo).port}`;
  });
  afterAll(() => extender.close());

  async function post<T>(verb: string, body: unknown): Promise<T> {
    const response = await fetch(`${base}/scheduler/${verb}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(200);
    return (await response.json()) as T;
  }
  const preempt = async (body: unknown) => (await post<PreemptAnswer>('preempt', body)).NodeNameToMetaVictims;

  it('given MetaVictims it keeps, answers them unchanged with their NumPDBViolations', async () => {
    const victims = meta(['shared-2', [SHOP_1], 1], ['gpu-1', [], 0]);
    const answer = await preempt({
      Pod: pod('web-ns', { labels: { app: 'shop' } }),
      NodeNameToMetaVictims: victims,
    });
    expect(answer).toEqual(meta(['shared-2', [SHOP_1], 1]));
  });

  it('given Victims as full pods, answers MetaVictims with their UIDs', async () => {
    const victim = {
      metadata: { name: 'train-1', namespace: 'res-ns', uid: TRAIN_1 },
      spec: { nodeName: 'gpu-1' },
    };
    const answer = await preempt({
      Pod: pod('res-ns', { gpus: '2' }),
      NodeNameToVictims: { 'gpu-1': { Pods: [victim], NumPDBViolations: 2 } },
    });
    expect(answer).toEqual(meta(['gpu-1', [TRAIN_1], 2]));
  });

  it('given lower-case keys, reads them as Go does', async () => {
    const answer = await preempt({
      pod: pod('web-ns', { labels: { app: 'shop' } }),
      nodenametometavictims: { 'shared-2': { pods: [{ uid: SHOP_1 }], numpdbviolations: 3 } },
    });
    expect(answer).toEqual(meta(['shared-2', [SHOP_1], 3]));
  });

  it("given a no-department victim on fin's GPU node for a no-department GPU preemptor, drops the node", async () => {
    const answer = await preempt({
      Pod: pod('sandbox', { gpus: '1' }),
      NodeNameToMetaVictims: meta(['fin-gpu', ['u-sb'], 0]),
    });
    expect(answer).toEqual({});
  });

  it.each([
    ['a victim of another app', ['u-other'], false],
    ['no victim', [], false],
    ['the pod filling the zone', [SHOP_1], true],
  ])('given a full spread zone and %s, keeps the node: %s', async (_what, uids, kept) => {
    const answer = await preempt({
      Pod: pod('web-ns', { labels: { app: 'shop' } }),
      NodeNameToMetaVictims: meta(['shared-2', uids, 0]),
    });
    expect(answer).toEqual(kept ? meta(['shared-2', uids, 0]) : {});
  });

  it.each([
    ['no victim', [], false],
    ['the pod holding the GPUs', [TRAIN_1], true],
  ])('given too few free GPUs and %s, keeps the node: %s', async (_what, uids, kept) => {
    const answer = await preempt({
      Pod: pod('res-ns', { gpus: '2' }),
      NodeNameToMetaVictims: meta(['gpu-1', uids, 0]),
    });
    expect(answer).toEqual(kept ? meta(['gpu-1', uids, 0]) : {});
  });

  it('given a kube-system preemptor, answers every proposal unchanged', async () => {
    const victims = meta(
      ['shared-2', [SHOP_1, 'u-other'], 1],
      ['fin-gpu', ['u-sb'], 0],
      ['gpu-1', [TRAIN_1], 2],
    );
    const answer = await preempt({ Pod: pod('kube-system'), NodeNameToMetaVictims: victims });
    expect(answer).toEqual(victims);
  });

  describe('filter, as preemption sees it', () => {
    it.each(['res-ns', 'sandbox'])(
      "given a GPU pod of %s and fin's full GPU node, files it unresolvable for the department",
      async (namespace) => {
        const answer = await post<FilterAnswer>('filter', {
          Pod: pod(namespace, { gpus: '1' }),
          NodeNames: ['fin-gpu', 'gpu-2'],
        });
        expect(answer.NodeNames).toEqual(['gpu-2']);
        expect(answer.FailedNodes).toEqual({});
        expect(answer.FailedAndUnresolvableNodes['fin-gpu']).toMatch(
          /^department-isolation: node is dedicated to department fin/,
        );
      },
    );

    it('given an unreadable Node object in Nodes mode, files it unresolvable as unreadable', async () => {
      const answer = await post<FilterAnswer>('filter', {
        Pod: pod('web-ns'),
        Nodes: {
          items: [
            { metadata: { name: 'n1' }, status: { allocatable: { cpu: 'lots' } } },
            { metadata: { name: 'n2' }, status: { allocatable: { cpu: '4' } } },
          ],
        },
      });
      expect(answer.Nodes?.items).toHaveLength(1);
      expect(answer.FailedNodes).toEqual({});
      expect(Object.keys(answer.FailedAndUnresolvableNodes)).toEqual(['n1']);
      expect(answer.FailedAndUnresolvableNodes['n1']).toMatch(
        /^node-readable: Node object unreadable: .*allocatable.*lots/,
      );
    });
  });
});
