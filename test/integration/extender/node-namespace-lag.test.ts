// A pod already on a node whose namespace the watch has not shown yet (pods and namespaces come from
// two watches): its department is unknown, so the node is refused to every pod of a department until
// the namespace arrives, never taken as running a pod of no department (docs/scheduler-extender.md).
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

const REASON =
  "node runs pod early of namespace late-ns, which Corral's cache does not hold yet; retry shortly";

const pod = (namespace: string) => ({
  metadata: { name: 'p', namespace, uid: `u-${namespace}` },
  spec: { containers: [{ name: 'c' }] },
});

describe('extender with a pod on a node whose namespace is not in the snapshot yet', () => {
  let store: SnapshotStore;
  let extender: TestExtender;

  beforeEach(() => {
    store = smallCluster(); // shared-1 empty, shared-2 runs web's shop-1
    store.upsert('Pod', rawPod('late-ns', 'early', { nodeName: 'shared-1' }), 'test');
    extender = testExtender(store);
  });
  afterEach(() => extender.close());

  async function filter(namespace: string, nodes: string[]): Promise<FilterBody> {
    const response = await extender.post('filter', { Pod: pod(namespace), NodeNames: nodes });
    expect(response.statusCode).toBe(200);
    return response.json<FilterBody>();
  }

  it('given a pod of a department, refuses that node for good (no preemption) and says why', async () => {
    const answer = await filter('res-ns', ['shared-1', 'shared-2']);
    expect(answer.Error).toBe('');
    expect(answer.NodeNames ?? []).toEqual([]);
    expect(answer.FailedNodes).toEqual({});
    expect(Object.keys(answer.FailedAndUnresolvableNodes).sort()).toEqual(['shared-1', 'shared-2']);
    expect(answer.FailedAndUnresolvableNodes['shared-2']).toContain('node runs pods of department web');
    expect(answer.FailedAndUnresolvableNodes['shared-1']).toContain(REASON);
  });

  it('given a pod of no department, passes that node (it mixes with any department)', async () => {
    expect((await filter('sandbox', ['shared-1'])).NodeNames).toEqual(['shared-1']);
  });

  it('given the namespace then shows up, decides by its department', async () => {
    store.upsert('Namespace', rawNamespace('late-ns', { [DEPARTMENT_LABEL]: 'res' }), 'test');
    expect((await filter('res-ns', ['shared-1'])).NodeNames).toEqual(['shared-1']);
    const web = await filter('web-ns', ['shared-1']);
    expect(web.FailedAndUnresolvableNodes['shared-1']).toContain('node runs pods of department res');
  });

  it('given preempt on that node, keeps no proposal there', async () => {
    store.upsert('Pod', rawPod('res-ns', 'low', { nodeName: 'shared-1', uid: 'u-low' }), 'test');
    const response = await extender.post('preempt', {
      Pod: pod('res-ns'),
      NodeNameToMetaVictims: { 'shared-1': { Pods: [{ UID: 'u-low' }], NumPDBViolations: 0 } },
    });
    expect(response.json()).toEqual({ NodeNameToMetaVictims: {} });
  });
});
