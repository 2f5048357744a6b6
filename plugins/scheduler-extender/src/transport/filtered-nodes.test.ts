import { DEPARTMENT_LABEL } from '@corral/policy';
import { nodeView, smallCluster } from '../testing/small-cluster.js';
import { FilteredNodes } from './filtered-nodes.js';

const ZONE_A = { 'topology.kubernetes.io/zone': 'a', 'kubernetes.io/hostname': 'shared-1' };

describe('FilteredNodes', () => {
  const store = smallCluster();
  const finOnly = nodeView('shared-1', { labels: { ...ZONE_A, [DEPARTMENT_LABEL]: 'fin' } });
  const newNode = nodeView('new-1');

  it('given Node objects the snapshot lacks or holds otherwise, keeps them for the pod that was sent them', () => {
    const nodes = new FilteredNodes();
    nodes.filtered(
      'web-ns/w1',
      [
        { name: 'shared-1', view: finOnly },
        { name: 'new-1', view: newNode },
      ],
      store,
    );
    expect(nodes.sentFor('web-ns/w1', 'shared-1')).toBe(finOnly);
    expect(nodes.sentFor('web-ns/w1', 'new-1')).toBe(newNode);
  });

  it('given a Node object alike the snapshot’s view, keeps none (and forgets an older one)', () => {
    const nodes = new FilteredNodes();
    nodes.filtered('web-ns/w1', [{ name: 'shared-1', view: finOnly }], store);
    nodes.filtered(
      'web-ns/w2',
      [{ name: 'shared-1', view: nodeView('shared-1', { labels: ZONE_A }) }],
      store,
    );
    expect(nodes.sentFor('web-ns/w1', 'shared-1')).toBeUndefined();
    expect(nodes.sentFor('web-ns/w2', 'shared-1')).toBeUndefined();
  });

  it('given an object sent to a later filter, counts it for an earlier pod', () => {
    const nodes = new FilteredNodes();
    nodes.filtered(
      'web-ns/w1',
      [{ name: 'shared-1', view: nodeView('shared-1', { labels: ZONE_A }) }],
      store,
    );
    nodes.filtered('fin-ns/f1', [{ name: 'shared-1', view: finOnly }], store);
    expect(nodes.sentFor('web-ns/w1', 'shared-1')).toBe(finOnly);
  });

  it('given an object sent before the pod’s last filter, or a pod never filtered here, counts none', () => {
    const nodes = new FilteredNodes();
    nodes.filtered('fin-ns/f1', [{ name: 'shared-1', view: finOnly }], store);
    nodes.filtered('web-ns/w1', undefined, store);
    expect(nodes.sentFor('web-ns/w1', 'shared-1')).toBeUndefined();
    expect(nodes.sentFor('web-ns/other', 'shared-1')).toBeUndefined();
    expect(nodes.sentFor('fin-ns/f1', 'shared-1')).toBe(finOnly);
  });
});
