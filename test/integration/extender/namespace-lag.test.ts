// A pod whose namespace the watch has not shown yet (`kubectl apply` of a namespace and its workload
// together): its department is unknown, so the extender answers an error (filter) or no opinion
// (prioritize, preempt) instead of deciding as if it had no department.
import { rawNamespace, rawPod, type SnapshotStore } from '@corral/cluster';
import { DEPARTMENT_LABEL } from '@corral/policy';
import { smallCluster } from '../../../plugins/scheduler-extender/src/testing/small-cluster.js';
import { testExtender, type TestExtender } from './lab-cluster.js';

interface FilterBody {
  NodeNames: string[] | null;
  FailedNodes: Record<string, string>;
  FailedAndUnresolvableNodes: Record<string, string>;
  Error: string;
}

const NEW = 'brand-new';

function pod(namespace: string, gpus?: string) {
  const resources = gpus ? { requests: { 'nvidia.com/gpu': gpus }, limits: { 'nvidia.com/gpu': gpus } } : {};
  return {
    metadata: { name: 'p', namespace, uid: `u-${namespace}` },
    spec: { containers: [{ name: 'c', resources }] },
  };
}

/** smallCluster plus a no-department pod on shared-1 (a victim a no-department preemptor may take). */
function cluster(): SnapshotStore {
  const store = smallCluster();
  store.upsert('Pod', rawPod('sandbox', 'sb-1', { nodeName: 'shared-1', uid: 'u-sb-1' }), 'test');
  return store;
}

describe('extender with a pod whose namespace is not in the snapshot yet', () => {
  let store: SnapshotStore;
  let extender: TestExtender;

  beforeEach(() => {
    store = cluster();
    extender = testExtender(store);
  });
  afterEach(() => extender.close());

  async function post<T>(verb: string, body: unknown): Promise<T> {
    const response = await extender.post(verb, body);
    expect(response.statusCode).toBe(200);
    return response.json<T>();
  }

  const warnings = (verb: string) =>
    extender.logs.lines.filter((line) => line['verb'] === verb && line['level'] === 'warn');

  it('given filter, answers EXT_ERR_UNKNOWN_NAMESPACE and no node, and logs it with the pod', async () => {
    const answer = await post<FilterBody>('filter', {
      Pod: pod(NEW),
      NodeNames: ['shared-1', 'shared-2', 'fin-1'],
    });
    expect(answer.Error).toBe(
      `EXT_ERR_UNKNOWN_NAMESPACE: namespace ${NEW} is not in Corral's cache yet; kube-scheduler will retry`,
    );
    expect(answer.NodeNames).toBeNull();
    expect(answer.FailedNodes).toEqual({});
    expect(answer.FailedAndUnresolvableNodes).toEqual({});
    expect(warnings('filter')).toEqual([
      expect.objectContaining({
        pod: `${NEW}/p`,
        nodes: 3,
        err: expect.objectContaining({ code: 'EXT_ERR_UNKNOWN_NAMESPACE' }),
      }),
    ]);
  });

  it('given the namespace then shows up with its department, decides by that department', async () => {
    store.upsert('Namespace', rawNamespace(NEW, { [DEPARTMENT_LABEL]: 'res' }), 'test');
    const answer = await post<FilterBody>('filter', { Pod: pod(NEW), NodeNames: ['shared-1', 'shared-2'] });
    expect(answer.Error).toBe('');
    // shared-2 runs web's shop-1: a res pod may not join it (with no department, it could).
    expect(answer.NodeNames).toEqual(['shared-1']);
    expect(Object.keys(answer.FailedAndUnresolvableNodes)).toEqual(['shared-2']);
    expect(answer.FailedAndUnresolvableNodes['shared-2']).toContain('department web');
  });

  it('given a known namespace with no department, still decides (shared pool only)', async () => {
    const answer = await post<FilterBody>('filter', {
      Pod: pod('sandbox'),
      NodeNames: ['shared-1', 'fin-1'],
    });
    expect(answer.Error).toBe('');
    expect(answer.NodeNames).toEqual(['shared-1']);
  });

  it('given a system namespace the snapshot does not hold, passes the pod through', async () => {
    const answer = await post<FilterBody>('filter', {
      Pod: pod('corral-system'),
      NodeNames: ['shared-1', 'fin-1', 'gpu-1'],
    });
    expect(answer).toMatchObject({ Error: '', NodeNames: ['shared-1', 'fin-1', 'gpu-1'] });
  });

  it('given prioritize, answers no preference (0 everywhere) and logs why', async () => {
    const body = { Pod: pod(NEW, '1'), NodeNames: ['gpu-1', 'gpu-2'] };
    expect(await post('prioritize', body)).toEqual([
      { Host: 'gpu-1', Score: 0 },
      { Host: 'gpu-2', Score: 0 },
    ]);
    expect(warnings('prioritize')).toEqual([
      expect.objectContaining({
        pod: `${NEW}/p`,
        nodes: 2,
        err: expect.objectContaining({ code: 'EXT_ERR_UNKNOWN_NAMESPACE' }),
      }),
    ]);
    // Known, the same pod packs onto the fuller GPU node.
    store.upsert('Namespace', rawNamespace(NEW, { [DEPARTMENT_LABEL]: 'res' }), 'test');
    const scores = await post<{ Host: string; Score: number }[]>('prioritize', body);
    expect(scores[0]?.Score).toBeGreaterThan(0);
  });

  it('given preempt, keeps no node and logs why', async () => {
    const body = {
      Pod: pod(NEW),
      NodeNameToMetaVictims: { 'shared-1': { Pods: [{ UID: 'u-sb-1' }], NumPDBViolations: 0 } },
    };
    expect(await post('preempt', body)).toEqual({ NodeNameToMetaVictims: {} });
    expect(warnings('preempt')).toEqual([
      expect.objectContaining({
        pod: `${NEW}/p`,
        nodes: 1,
        err: expect.objectContaining({ code: 'EXT_ERR_UNKNOWN_NAMESPACE' }),
      }),
    ]);
    // The same proposal from a known namespace with no department is kept: the victim is of none too.
    const known = { ...body, Pod: pod('sandbox') };
    expect(await post('preempt', known)).toEqual({
      NodeNameToMetaVictims: { 'shared-1': { Pods: [{ UID: 'u-sb-1' }], NumPDBViolations: 0 } },
    });
  });
});
