import { rawPod } from '../testing/raw-objects.js';
import type { PodView } from '../views/pod-view.js';
import { NominationIndex } from './nomination-index.js';
import { SnapshotStore } from './snapshot-store.js';

const view = (name: string, fields: Partial<PodView> = {}): PodView => ({
  uid: name,
  namespace: 'ns',
  name,
  phase: 'Pending',
  labels: {},
  terminal: false,
  requests: new Map(),
  limits: new Map(),
  carriesGpuRequest: false,
  ...fields,
});

/** A raw pending pod nominated to `node` (none: not nominated), as kube-scheduler's preemption leaves it. */
function nominatedPod(name: string, node?: string, extra: { nodeName?: string; phase?: string } = {}) {
  const raw = rawPod('ns', name, { phase: extra.phase ?? 'Pending', ...extra });
  const phase = extra.phase ?? 'Pending';
  return { ...raw, status: node === undefined ? { phase } : { phase, nominatedNodeName: node } };
}

const keys = (pods: ReadonlyMap<string, PodView>) => [...pods.keys()];

describe('NominationIndex', () => {
  it.each([
    ['a pending pod nominated to n1', view('p', { nominatedNodeName: 'n1' }), ['ns/p']],
    ['a pod without a nomination', view('p'), []],
    ['a bound pod still carrying one', view('p', { nominatedNodeName: 'n1', nodeName: 'n2' }), []],
    ['a terminal pod', view('p', { nominatedNodeName: 'n1', terminal: true }), []],
  ])('given %s, indexes it under n1 accordingly', (_, pod, expected) => {
    const index = new NominationIndex();
    index.add(pod);
    expect(keys(index.podsNominatedTo('n1'))).toEqual(expected);
    index.remove(pod);
    expect(index.podsNominatedTo('n1').size).toBe(0);
  });

  it('given no pod nominated to a node, answers one shared empty map', () => {
    const index = new NominationIndex();
    expect(index.podsNominatedTo('n1')).toBe(index.podsNominatedTo('n2'));
    expect(index.podsNominatedTo('n1').size).toBe(0);
  });
});

describe('SnapshotStore.podsNominatedTo', () => {
  it('given a pod nominated, then renominated, then bound, follows it and clears it once bound', () => {
    const store = new SnapshotStore();
    store.upsert('Pod', nominatedPod('p', 'n1'), 'test');
    expect(keys(store.podsNominatedTo('n1'))).toEqual(['ns/p']);
    expect(store.podsNominatedTo('n1').get('ns/p')).toBe(store.pod('ns', 'p'));
    store.upsert('Pod', nominatedPod('p', 'n2'), 'test');
    expect(store.podsNominatedTo('n1').size).toBe(0);
    expect(keys(store.podsNominatedTo('n2'))).toEqual(['ns/p']);
    store.upsert('Pod', nominatedPod('p', 'n2', { nodeName: 'n2', phase: 'Running' }), 'test');
    expect(store.podsNominatedTo('n2').size).toBe(0);
    expect(keys(store.podsOnNode('n2'))).toEqual(['ns/p']);
  });

  it('given a nominated pod that loses its nomination, ends or is deleted, drops it', () => {
    const store = new SnapshotStore();
    store.upsert('Pod', nominatedPod('p', 'n1'), 'test');
    store.upsert('Pod', nominatedPod('q', 'n1'), 'test');
    store.upsert('Pod', nominatedPod('r', 'n1'), 'test');
    store.upsert('Pod', nominatedPod('p'), 'test');
    store.upsert('Pod', nominatedPod('q', 'n1', { phase: 'Failed' }), 'test');
    expect(keys(store.podsNominatedTo('n1'))).toEqual(['ns/r']);
    store.remove('Pod', nominatedPod('r', 'n1'), 'test');
    expect(store.podsNominatedTo('n1').size).toBe(0);
  });

  it('given a relist, keeps the listed nominations and drops the pods gone', () => {
    const store = new SnapshotStore();
    store.replaceAll('Pod', [nominatedPod('p', 'n1'), nominatedPod('q', 'n1')], 'test');
    expect(keys(store.podsNominatedTo('n1'))).toEqual(['ns/p', 'ns/q']);
    store.replaceAll('Pod', [nominatedPod('q', 'n1'), nominatedPod('r', 'n2')], 'test');
    expect(keys(store.podsNominatedTo('n1'))).toEqual(['ns/q']);
    expect(keys(store.podsNominatedTo('n2'))).toEqual(['ns/r']);
    const session = store.beginReplace('Pod', 'test');
    session.page([nominatedPod('r', 'n2')]);
    session.end();
    expect(store.podsNominatedTo('n1').size).toBe(0);
    expect(keys(store.podsNominatedTo('n2'))).toEqual(['ns/r']);
  });
});
