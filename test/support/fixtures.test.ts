import { join } from 'node:path';
import {
  RECORDED_DIR,
  createFixtureStore,
  listFixtures,
  loadAdmissionReview,
  loadExtenderArgs,
  loadExtenderBindingArgs,
  type FixtureIo,
  type Pod,
} from './fixtures.js';

const admissionNames = listFixtures('admission-');
const extenderArgNames = listFixtures('extender-').filter((name) => !name.startsWith('extender-bind-'));

describe('listFixtures', () => {
  it('given no prefix, returns every recorded body, sorted, without the .json suffix', () => {
    const all = listFixtures();
    expect(all).toHaveLength(39);
    expect(all).toEqual([...all].sort());
    expect(all.every((name) => !name.endsWith('.json'))).toBe(true);
    expect(all).not.toContain('README');
  });

  it('given a prefix, returns only the names that start with it', () => {
    expect(listFixtures('admission-mutating-pods-create-')).toEqual([
      'admission-mutating-pods-create-1',
      'admission-mutating-pods-create-2',
      'admission-mutating-pods-create-3',
      'admission-mutating-pods-create-4',
    ]);
    expect(listFixtures('no-such-prefix')).toEqual([]);
  });
});

describe('loadAdmissionReview', () => {
  it.each(admissionNames)('%s is an admission.k8s.io/v1 AdmissionReview with a request uid', (name) => {
    const review = loadAdmissionReview(name);
    expect(review.apiVersion).toBe('admission.k8s.io/v1');
    expect(review.kind).toBe('AdmissionReview');
    expect(review.request.uid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(review.response).toBeUndefined();
  });

  it('gives every recorded review its own uid, including the mutating and validating copies of one event', () => {
    const uids = admissionNames.map((name) => loadAdmissionReview(name).request.uid);
    expect(new Set(uids).size).toBe(admissionNames.length);
    const mutating = loadAdmissionReview('admission-mutating-pods-create-1').request;
    const validating = loadAdmissionReview('admission-validating-pods-create-1').request;
    expect(mutating.uid).not.toBe(validating.uid);
    expect(mutating.name).toBe(validating.name);
  });

  it('accepts the name with or without .json', () => {
    expect(loadAdmissionReview('admission-mutating-pods-create-1.json')).toEqual(
      loadAdmissionReview('admission-mutating-pods-create-1'),
    );
  });

  it('given the GPU pod, its container requests and limits nvidia.com/gpu', () => {
    const { request } = loadAdmissionReview<Pod>('admission-mutating-pods-create-2');
    expect(request.operation).toBe('CREATE');
    const container = request.object?.spec.containers[0];
    expect(container?.resources?.limits?.['nvidia.com/gpu']).toBe('1');
    expect(container?.resources?.requests?.['nvidia.com/gpu']).toBe('1');
  });

  it('given a DELETE, object is null and oldObject is the deleted object', () => {
    for (const name of listFixtures('admission-').filter((n) => n.includes('-delete-'))) {
      const { request } = loadAdmissionReview(name);
      expect(request.operation).toBe('DELETE');
      expect(request.object).toBeNull();
      expect(request.oldObject?.metadata.name).toBe(request.name);
      expect(request.options?.kind).toBe('DeleteOptions');
    }
  });

  it('given an UPDATE, oldObject is set', () => {
    const { request } = loadAdmissionReview<Pod>('admission-mutating-pods-update-1');
    expect(request.operation).toBe('UPDATE');
    expect(request.oldObject?.metadata.name).toBe('lab-pod');
    expect(request.object?.metadata.labels).not.toEqual(request.oldObject?.metadata.labels);
  });

  it('given a replicaset-controller pod in the mutating copy, name is absent and generateName is set', () => {
    const { request } = loadAdmissionReview<Pod>('admission-mutating-pods-create-3');
    expect(request.name).toBeUndefined();
    expect(request.object?.metadata.name).toBeUndefined();
    expect(request.object?.metadata.generateName).toBe('lab-deploy-bd8699977-');
    expect(request.userInfo.username).toBe('system:serviceaccount:kube-system:replicaset-controller');
    expect(loadAdmissionReview('admission-validating-pods-create-3').request.name).toMatch(
      /^lab-deploy-bd8699977-/,
    );
  });

  it('given a server-side dry run, dryRun is true', () => {
    expect(loadAdmissionReview('admission-mutating-deployments-create-dryrun-1').request.dryRun).toBe(true);
    expect(loadAdmissionReview('admission-mutating-deployments-create-1').request.dryRun).toBe(false);
  });

  it('given an extender body, refuses it and names the admission fixtures instead', () => {
    expect(() => loadAdmissionReview('extender-bind-1')).toThrow(
      /not an AdmissionReview.*admission-mutating-pods-create-1/,
    );
  });
});

describe('loadExtenderArgs', () => {
  it.each(extenderArgNames)(
    '%s carries a Pod without apiVersion/kind and exactly one of Nodes, NodeNames',
    (name) => {
      const args = loadExtenderArgs(name);
      expect(args.Pod.metadata.name).toEqual(expect.any(String));
      expect(args.Pod.apiVersion).toBeUndefined();
      expect(args.Pod.kind).toBeUndefined();
      expect([args.Nodes == null, args.NodeNames == null].filter(Boolean)).toHaveLength(1);
    },
  );

  it('given a nodenames fixture (nodeCacheCapable: true), carries NodeNames and a null Nodes', () => {
    const names = listFixtures('extender-').filter((name) => name.includes('-nodenames-'));
    expect(names).toHaveLength(3);
    for (const name of names) {
      const args = loadExtenderArgs(name);
      expect(args.Nodes).toBeNull();
      expect(args.NodeNames?.length).toBeGreaterThan(0);
    }
    expect(loadExtenderArgs('extender-filter-nodenames-2').NodeNames).toEqual(['lab-gpu-node-3']);
  });

  it('given a nodes fixture (nodeCacheCapable: false), carries full Node items and a null NodeNames', () => {
    const args = loadExtenderArgs('extender-filter-nodes-1');
    expect(args.NodeNames).toBeNull();
    const items = args.Nodes?.items ?? [];
    expect(items.map((node) => node.metadata.name)).toEqual(['lab-node-1', 'lab-node-2', 'lab-gpu-node-3']);
    const gpuNode = items.find((node) => node.metadata.name === 'lab-gpu-node-3');
    expect(gpuNode?.status?.allocatable?.['nvidia.com/gpu']).toBe('4');
  });

  it('given the GPU pod, it requests nvidia.com/gpu', () => {
    const pod = loadExtenderArgs('extender-filter-nodes-2').Pod;
    expect(pod.spec.containers[0]?.resources?.requests?.['nvidia.com/gpu']).toBe('1');
  });

  it('given a binding body, refuses it as ExtenderArgs', () => {
    expect(() => loadExtenderArgs('extender-bind-1')).toThrow(/not kube-scheduler ExtenderArgs/);
  });
});

describe('loadExtenderBindingArgs', () => {
  it('returns the Go-named binding fields', () => {
    expect(loadExtenderBindingArgs('extender-bind-1')).toEqual({
      PodName: 'lab-pod-extbind',
      PodNamespace: 'lab-demo',
      PodUID: '4adb182b-e1ed-47f9-bb97-36dc141dcc6c',
      Node: 'lab-gpu-node-3',
    });
  });
});

describe('clones', () => {
  it('returns a new deep copy on every load', () => {
    const first = loadAdmissionReview<Pod>('admission-mutating-pods-create-1');
    const second = loadAdmissionReview<Pod>('admission-mutating-pods-create-1');
    expect(second).toEqual(first);
    expect(second).not.toBe(first);
    expect(second.request.object).not.toBe(first.request.object);
    expect(second.request.object?.spec.containers).not.toBe(first.request.object?.spec.containers);
  });

  it('given a test mutates its copy, later loads still see the recorded body', () => {
    const mutated = loadAdmissionReview<Pod>('admission-mutating-pods-create-1');
    const pod = mutated.request.object;
    if (pod === null) throw new Error('expected a pod');
    pod.metadata.labels = { hijacked: 'yes' };
    pod.spec.containers.length = 0;
    mutated.request.uid = 'changed';

    const fresh = loadAdmissionReview<Pod>('admission-mutating-pods-create-1');
    expect(fresh.request.uid).toBe('06c65b38-3899-4ec2-a653-d043c5a7b380');
    expect(fresh.request.object?.metadata.labels).not.toHaveProperty('hijacked');
    expect(fresh.request.object?.spec.containers).toHaveLength(1);
  });

  it('keeps extender copies independent too', () => {
    const mutated = loadExtenderArgs('extender-filter-nodenames-1');
    mutated.NodeNames?.pop();
    expect(loadExtenderArgs('extender-filter-nodenames-1').NodeNames).toHaveLength(3);
  });
});

describe('createFixtureStore', () => {
  function countingIo(): FixtureIo & { reads: string[]; lists: number } {
    const real: FixtureIo = {
      listDir: () => ['a.json', 'b.json', 'README.md'],
      readFile: (path) =>
        JSON.stringify({
          kind: 'AdmissionReview',
          apiVersion: 'admission.k8s.io/v1',
          request: { uid: path.endsWith('a.json') ? 'uid-a' : 'uid-b' },
        }),
    };
    const io = {
      reads: [] as string[],
      lists: 0,
      listDir: (dir: string) => {
        io.lists += 1;
        return real.listDir(dir);
      },
      readFile: (path: string) => {
        io.reads.push(path);
        return real.readFile(path);
      },
    };
    return io;
  }

  it('reads the folder once and each file once, however often it is loaded', () => {
    const io = countingIo();
    const store = createFixtureStore('/fixtures', io);
    for (let i = 0; i < 3; i += 1) {
      expect(store.loadAdmissionReview('a').request.uid).toBe('uid-a');
    }
    store.loadAdmissionReview('b');
    expect(store.listFixtures()).toEqual(['a', 'b']);
    expect(io.lists).toBe(1);
    expect(io.reads).toEqual([join('/fixtures', 'a.json'), join('/fixtures', 'b.json')]);
  });

  it('given an unknown name, throws naming it and listing the available fixtures', () => {
    expect(() => loadAdmissionReview('admission-mutating-pods-create-9')).toThrow(
      /Unknown fixture "admission-mutating-pods-create-9".*available \(28\): admission-mutating-deployments-create-1, /,
    );
    expect(() => loadExtenderArgs('extender-filter-nodes-9')).toThrow(
      /available \(10\): extender-filter-nodenames-1,.*extender-prioritize-nodes-3$/,
    );
    expect(() => loadAdmissionReview('../../package')).toThrow(/Unknown fixture/);
  });

  it('given a file that is not JSON, says which file', () => {
    const store = createFixtureStore('/fixtures', { listDir: () => ['bad.json'], readFile: () => '{' });
    expect(() => store.loadAdmissionReview('bad')).toThrow(/Fixture "bad" \(.*bad\.json\) is not valid JSON/);
  });

  it('defaults to the recorded folder', () => {
    expect(RECORDED_DIR).toMatch(/test[\\/]fixtures[\\/]recorded[\\/]?$/);
  });
});
