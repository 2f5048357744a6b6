import fc from 'fast-check';
import type { PodView } from '../views/pod-view.js';
import { NO_PODS_ON_NODE, PodsOnNode } from './pods-on-node.js';

const view = (namespace: string, name: string, uid = `${namespace}-${name}`): PodView => ({
  uid,
  namespace,
  name,
  nodeName: 'n1',
  phase: 'Running',
  labels: {},
  terminal: false,
  requests: new Map(),
  limits: new Map(),
  carriesGpuRequest: false,
});

/** Everything a reader can see of a ReadonlyMap, in order. */
function readAll(map: ReadonlyMap<string, PodView>) {
  const forEach: [string, PodView][] = [];
  map.forEach((pod, key, self) => {
    expect(self).toBe(map);
    forEach.push([key, pod]);
  });
  return { size: map.size, entries: [...map], keys: [...map.keys()], values: [...map.values()], forEach };
}

describe('PodsOnNode', () => {
  it('given pods added, reads as a Map keyed namespace/name in the order they were added', () => {
    const pods = new PodsOnNode();
    const [a, b, c] = [view('ns', 'a'), view('ns', 'b'), view('other', 'a')];
    for (const pod of [a, b, c]) pods.set(pod);
    expect(readAll(pods)).toEqual(
      readAll(
        new Map([
          ['ns/a', a],
          ['ns/b', b],
          ['other/a', c],
        ]),
      ),
    );
    expect(pods.get('other/a')).toBe(c);
    expect(pods.has('ns/b')).toBe(true);
    expect([pods.get('ns/c'), pods.has('ns/'), pods.has('ns/ab'), pods.has('nsx/a')]).toEqual([
      undefined,
      false,
      false,
      false,
    ]);
  });

  it('given a pod of a namespace/name already there, puts it in its place, as Map.set does', () => {
    const pods = new PodsOnNode();
    pods.set(view('ns', 'a'));
    pods.set(view('ns', 'b'));
    const again = view('ns', 'a', 'new-uid');
    pods.set(again);
    expect([...pods.keys()]).toEqual(['ns/a', 'ns/b']);
    expect(pods.get('ns/a')).toBe(again);
  });

  it('given a pod removed, an iterator handed out before still reads the pods as they were', () => {
    const pods = new PodsOnNode();
    const [a, b] = [view('ns', 'a'), view('ns', 'b')];
    pods.set(a);
    pods.set(b);
    const before = pods.values();
    expect(pods.delete(view('ns', 'a'))).toBe(true);
    expect(pods.delete(view('ns', 'a'))).toBe(false);
    expect([...before]).toEqual([a, b]);
    expect([...pods.values()]).toEqual([b]);
  });

  it('given random adds and removes, reads the same as a Map', () => {
    const op = fc.record({
      add: fc.boolean(),
      namespace: fc.constantFrom('a', 'ab', 'b'),
      name: fc.constantFrom('x', 'bx', 'b/x', 'y'),
    });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const pods = new PodsOnNode();
        const model = new Map<string, PodView>();
        for (const { add, namespace, name } of ops) {
          const pod = view(namespace, name, String(model.size));
          const key = `${namespace}/${name}`;
          if (add) {
            pods.set(pod);
            model.set(key, pod);
          } else expect(pods.delete(pod)).toBe(model.delete(key));
        }
        expect(readAll(pods)).toEqual(readAll(model));
        for (const key of ['a/x', 'ab/x', 'a/bx', 'a/b/x', 'b/y']) expect(pods.get(key)).toBe(model.get(key));
      }),
    );
  });

  it('given no pods, answers a frozen empty map that cannot be written', () => {
    expect(readAll(NO_PODS_ON_NODE)).toEqual(readAll(new Map()));
    expect(() => (NO_PODS_ON_NODE as PodsOnNode).set(view('ns', 'a'))).toThrow(TypeError);
  });
});
