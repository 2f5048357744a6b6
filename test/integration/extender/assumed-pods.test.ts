import { rawDepartment, rawNamespace, rawNode, rawPod, SnapshotStore } from '@corral/cluster';
import { DEPARTMENT_LABEL } from '@corral/policy';
import type { BindingArgs } from '../../../plugins/scheduler-extender/src/index.js';
import { testExtender, type TestExtender } from './lab-cluster.js';

// Two shared departments race for one empty shared node. kube-scheduler filters a pod of each before
// either binding has reached the watch; the extender must still never put both on the node.

const TTL_MS = 5_000;

function cluster(): SnapshotStore {
  const store = new SnapshotStore();
  store.replaceAll(
    'Namespace',
    ['red', 'blue'].map((d) => rawNamespace(`${d}-ns`, { [DEPARTMENT_LABEL]: d })),
    'test',
  );
  store.replaceAll('Department', [rawDepartment('red'), rawDepartment('blue')], 'test');
  store.replaceAll('Node', [rawNode('shared-1'), rawNode('shared-2')], 'test');
  return store;
}

/** A binder standing in for the API: records bindings; the test decides when the watch shows them. */
class RecordingBinder {
  readonly bound: BindingArgs[] = [];
  failWith: Error | undefined;
  async bind(args: BindingArgs): Promise<void> {
    if (this.failWith) throw this.failWith;
    this.bound.push(args);
  }
}

describe('assumed pods: filter + bind before the watch delivers', () => {
  let store: SnapshotStore;
  let binder: RecordingBinder;
  let extender: TestExtender;
  let now: number;

  beforeEach(() => {
    store = cluster();
    binder = new RecordingBinder();
    now = 1_000_000;
    extender = testExtender(store, { binder, assumeTtlMs: TTL_MS, now: () => now });
  });
  afterEach(() => extender.close());

  const podOf = (namespace: string, name: string) => {
    const pod = rawPod(namespace, name, { phase: 'Pending' });
    return { metadata: pod['metadata'], spec: pod['spec'], status: pod['status'] };
  };
  const filter = async (namespace: string, name: string, nodes = ['shared-1']) =>
    (
      await extender.app.inject({
        method: 'POST',
        url: '/scheduler/filter',
        payload: { Pod: podOf(namespace, name), NodeNames: nodes },
      })
    ).json<{ NodeNames: string[]; FailedAndUnresolvableNodes: Record<string, string>; Error: string }>();
  const bind = async (namespace: string, name: string, node = 'shared-1') =>
    (
      await extender.app.inject({
        method: 'POST',
        url: '/scheduler/bind',
        payload: { PodName: name, PodNamespace: namespace, PodUID: `uid-${namespace}-${name}`, Node: node },
      })
    ).json<{ Error: string }>();
  /** The watch finally delivers the pod bound to its node. */
  const watchDelivers = (namespace: string, name: string, node = 'shared-1') =>
    store.upsert('Pod', rawPod(namespace, name, { nodeName: node }), 'watch');

  it('given red bound to the node, refuses it to blue at once, before and after the watch confirms', async () => {
    expect((await filter('red-ns', 'r1')).NodeNames).toEqual(['shared-1']);
    expect(await bind('red-ns', 'r1')).toEqual({ Error: '' });

    const blue = await filter('blue-ns', 'b1', ['shared-1', 'shared-2']);
    expect(blue.NodeNames).toEqual(['shared-2']);
    expect(blue.FailedAndUnresolvableNodes['shared-1']).toContain('node runs pods of department red');

    watchDelivers('red-ns', 'r1');
    expect((await filter('blue-ns', 'b1')).NodeNames).toEqual([]);
    now += TTL_MS * 2; // the assumption is gone by now; the snapshot itself keeps the node red
    expect((await filter('blue-ns', 'b1')).NodeNames).toEqual([]);
  });

  it('given both filtered before either bound, binds the first and refuses the second bind', async () => {
    expect((await filter('red-ns', 'r1')).NodeNames).toEqual(['shared-1']);
    expect((await filter('blue-ns', 'b1')).NodeNames).toEqual(['shared-1']);

    expect(await bind('red-ns', 'r1')).toEqual({ Error: '' });
    const refused = await bind('blue-ns', 'b1');
    expect(refused.Error).toMatch(/^EXT_ERR_BIND_REFUSED: node shared-1 no longer fits pod blue-ns\/b1/);
    expect(refused.Error).toContain('department red');
    expect(binder.bound.map((args) => args.podName)).toEqual(['r1']);
    // A pod of red's own department may still join it.
    expect((await filter('red-ns', 'r2')).NodeNames).toEqual(['shared-1']);
    expect(await bind('red-ns', 'r2')).toEqual({ Error: '' });
  });

  it('given a bind retried after success (the answer was lost), succeeds again', async () => {
    await filter('red-ns', 'r1');
    expect(await bind('red-ns', 'r1')).toEqual({ Error: '' });
    expect(await bind('red-ns', 'r1')).toEqual({ Error: '' });
    watchDelivers('red-ns', 'r1');
    expect(await bind('red-ns', 'r1')).toEqual({ Error: '' });
  });

  it('given the watch never confirming, frees the node once the assumption expires', async () => {
    await filter('red-ns', 'r1');
    await bind('red-ns', 'r1');
    now += TTL_MS - 1;
    expect((await filter('blue-ns', 'b1')).NodeNames).toEqual([]);
    now += 1;
    expect((await filter('blue-ns', 'b1')).NodeNames).toEqual(['shared-1']);
  });

  it('given a binding the API refuses, forgets the assumption at once', async () => {
    await filter('red-ns', 'r1');
    binder.failWith = new Error('HTTP 500');
    expect((await bind('red-ns', 'r1')).Error).toContain('EXT_ERR_INTERNAL');
    expect((await filter('blue-ns', 'b1')).NodeNames).toEqual(['shared-1']);
  });

  it('given a bind for a pod neither filtered nor watched, still keeps other departments off', async () => {
    expect(await bind('red-ns', 'ghost')).toEqual({ Error: '' });
    expect((await filter('blue-ns', 'b1')).NodeNames).toEqual([]);
  });

  it('given the pod deleted before the watch showed it bound, frees the node', async () => {
    store.upsert('Pod', rawPod('red-ns', 'r1', { phase: 'Pending' }), 'watch');
    await filter('red-ns', 'r1');
    await bind('red-ns', 'r1');
    expect((await filter('blue-ns', 'b1')).NodeNames).toEqual([]);
    store.remove('Pod', rawPod('red-ns', 'r1'), 'watch');
    expect((await filter('blue-ns', 'b1')).NodeNames).toEqual(['shared-1']);
  });
});
