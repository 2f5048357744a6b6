import { rawDepartment } from '@corral/cluster';
import { rawPriorityPod, smallCluster } from '../testing/small-cluster.js';
import { testExtender } from '../testing/test-extender.js';

const bindArgs = (namespace: string, name: string, uid: string, node: string) => ({
  PodNamespace: namespace,
  PodName: name,
  PodUID: uid,
  Node: node,
});

const RUNS_WEB =
  'department-isolation: node runs pods of department web (namespaces labelled ' +
  'corral.dev/department=web, for which no valid Department is served), and shared nodes never mix departments';

describe('department isolation once a Department is deleted or invalid, served', () => {
  it.each([
    ['deleted', []],
    ['invalid', [rawDepartment('web', { nodeIsolation: 'nope' })]],
  ])(
    "given web's Department %s, keeps other departments off the nodes its pods still run on",
    async (_what, replacement) => {
      // shop-1 (web-ns, labelled corral.dev/department=web) runs on shared-2.
      const store = smallCluster();
      store.remove('Department', rawDepartment('web'), 'test');
      for (const department of replacement) store.upsert('Department', department, 'test');
      expect(store.department('web')).toBeUndefined();
      const { extender, binder, post } = testExtender(store);

      const res = rawPriorityPod('res-ns', 'r', 0, undefined, { uid: 'u-r' });
      const filtered = await post('filter', { Pod: res, NodeNames: ['shared-1', 'shared-2'] });
      expect(filtered.body['NodeNames']).toEqual(['shared-1']);
      expect(filtered.body['FailedAndUnresolvableNodes']).toEqual({ 'shared-2': RUNS_WEB });
      const bound = await post('bind', bindArgs('res-ns', 'r', 'u-r', 'shared-2'));
      expect(bound.body['Error']).toMatch(/^EXT_ERR_BIND_REFUSED: .*node runs pods of department web/);
      expect(binder.bound).toEqual([]);
      // Preemption cannot clear them either: they are web's, not res's (nor no department's).
      const victims = { 'shared-2': { Pods: [{ UID: 'uid-web-ns-shop-1' }], NumPDBViolations: 0 } };
      for (const namespace of ['res-ns', 'sandbox']) {
        const preemptor = rawPriorityPod(namespace, 'p', 1000, undefined, { uid: `u-${namespace}` });
        const preempt = await post('preempt', { Pod: preemptor, NodeNameToMetaVictims: victims });
        expect(preempt.body['NodeNameToMetaVictims']).toEqual({});
      }

      // A web pod itself waits, with a clear reason, until its Department is back.
      const web = rawPriorityPod('web-ns', 'w', 0, undefined, { uid: 'u-w' });
      const refused = await post('filter', { Pod: web, NodeNames: ['shared-1', 'shared-2'] });
      expect(refused.body['Error']).toMatch(
        /^EXT_ERR_UNKNOWN_DEPARTMENT: namespace web-ns is labelled corral\.dev\/department=web/,
      );
      // A pod of no department may still share the shared node, as before.
      const free = rawPriorityPod('sandbox', 's', 0, undefined, { uid: 'u-s' });
      const shared = await post('filter', { Pod: free, NodeNames: ['shared-2'] });
      expect(shared.body['NodeNames']).toEqual(['shared-2']);
      await extender.close();
    },
  );
});
