import { rawNode, rawPod } from '../testing/raw-objects.js';
import { SnapshotStore } from './snapshot-store.js';

const ZONE = 'topology.kubernetes.io/zone';
const web = (domain: string) => ({
  topologyKey: ZONE,
  domain,
  namespace: 'ns',
  labelKey: 'app',
  labelValue: 'web',
});
const node = (name: string, zone?: string) => rawNode(name, { labels: zone ? { [ZONE]: zone } : {} });
const pod = (name: string, nodeName: string, app = 'web', phase = 'Running') =>
  rawPod('ns', name, { nodeName, labels: { app }, phase });

const T = '2024-05-01T00:00:00Z';

function store(): SnapshotStore {
  const s = new SnapshotStore();
  s.replaceAll('Node', [node('n1', 'a'), node('n2', 'a'), node('n3', 'b')], 't');
  s.replaceAll('Pod', [pod('p1', 'n1'), pod('p2', 'n2'), pod('p3', 'n3'), pod('q', 'n1', 'db')], 't');
  return s;
}

describe('countPodsInDomain', () => {
  it("given pods on the zone's nodes, counts those with the label value", () => {
    const s = store();
    expect([s.countPodsInDomain(web('a')), s.countPodsInDomain(web('b'))]).toEqual([2, 1]);
    expect(s.countPodsInDomain({ ...web('a'), namespace: 'other' })).toBe(0);
  });

  it('given pods added, moved, finished and deleted after the first question, stays exact', () => {
    const s = store();
    expect(s.countPodsInDomain(web('a'))).toBe(2);
    s.upsert('Pod', pod('p4', 'n2'), 't');
    s.upsert('Pod', pod('p1', 'n3'), 't');
    s.upsert('Pod', pod('p2', 'n2', 'web', 'Succeeded'), 't');
    s.remove('Pod', pod('p3', 'n3'), 't');
    expect([s.countPodsInDomain(web('a')), s.countPodsInDomain(web('b'))]).toEqual([1, 1]);
  });

  it('given a pod being deleted (deletionTimestamp), stops counting it at once, as PodTopologySpread', () => {
    const s = store();
    s.upsert(
      'Pod',
      rawPod('ns', 'old', { nodeName: 'n1', labels: { app: 'web' }, deletionTimestamp: T }),
      't',
    );
    expect(s.countPodsInDomain(web('a'))).toBe(2);
    // MODIFIED: a counted pod gains a deletionTimestamp (a rolling update deletes the old replica).
    s.upsert(
      'Pod',
      rawPod('ns', 'p1', { nodeName: 'n1', labels: { app: 'web' }, deletionTimestamp: T }),
      't',
    );
    expect(s.countPodsInDomain(web('a'))).toBe(1);
    // It still occupies its node (department isolation, free GPUs) until it is gone.
    expect([...s.podsOnNode('n1').keys()].sort()).toEqual(['ns/old', 'ns/p1', 'ns/q']);
    s.upsert('Node', node('n1', 'b'), 't');
    expect([s.countPodsInDomain(web('a')), s.countPodsInDomain(web('b'))]).toEqual([1, 1]);
    s.remove('Pod', pod('p1', 'n1'), 't');
    expect(s.countPodsInDomain(web('b'))).toBe(1);
  });

  it('given a node changing zone, moves its pods; a removed node takes its pods out of every zone', () => {
    const s = store();
    expect(s.countPodsInDomain(web('a'))).toBe(2);
    s.upsert('Node', node('n1', 'b'), 't');
    expect([s.countPodsInDomain(web('a')), s.countPodsInDomain(web('b'))]).toEqual([1, 2]);
    s.remove('Node', node('n3'), 't');
    expect(s.countPodsInDomain(web('b'))).toBe(1);
    s.upsert('Node', node('n3', 'b'), 't');
    expect(s.countPodsInDomain(web('b'))).toBe(2);
  });
});
