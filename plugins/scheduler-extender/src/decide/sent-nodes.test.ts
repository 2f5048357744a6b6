import { DEPARTMENT_LABEL } from '@corral/policy';
import { nodeView, smallCluster } from '../testing/small-cluster.js';
import { judgedAlike, SentNodes, viewsToJudge } from './sent-nodes.js';

const ROLE = 'corral.dev/role';
const ZONE = 'topology.kubernetes.io/zone';

describe('SentNodes.gatewaysMovedInto', () => {
  const store = smallCluster();
  const held = (name: string) => {
    const view = store.node(name);
    if (!view) throw new Error(`no node ${name}`);
    return { name, view };
  };
  it.each([
    ['the snapshot’s own views', [held('gw-1'), held('shared-1')], '', 0],
    [
      'a gateway node the snapshot lacks',
      [{ name: 'new-gw', view: nodeView('new-gw', { labels: { [ROLE]: 'gateway' } }) }],
      '',
      1,
    ],
    ['a shared gateway node sent without its role', [{ name: 'gw-1', view: nodeView('gw-1') }], '', -1],
    [
      'a shared gateway node sent as fin’s, for the shared pool',
      [
        {
          name: 'gw-1',
          view: nodeView('gw-1', { labels: { [ROLE]: 'gateway', [DEPARTMENT_LABEL]: 'fin' } }),
        },
      ],
      '',
      -1,
    ],
    [
      'a shared gateway node sent as fin’s, for fin',
      [
        {
          name: 'gw-1',
          view: nodeView('gw-1', { labels: { [ROLE]: 'gateway', [DEPARTMENT_LABEL]: 'fin' } }),
        },
      ],
      'fin',
      1,
    ],
    [
      'a gateway node sent relabelled in its zone only',
      [{ name: 'gw-1', view: nodeView('gw-1', { labels: { [ROLE]: 'gateway', [ZONE]: 'c' } }) }],
      '',
      0,
    ],
    ['a node that cannot be read', [{ name: 'bad', problem: 'x' }], '', 0],
  ])('given %s, returns the change for pool "%s": %i', (_what, candidates, pool, moved) => {
    expect(new SentNodes(candidates, store).gatewaysMovedInto(pool)).toBe(moved);
  });
});

describe('judgedAlike', () => {
  it.each([
    [
      'the same labels and allocatable',
      nodeView('n', { labels: { a: '1' } }),
      nodeView('n', { labels: { a: '1' } }),
      true,
    ],
    [
      'another label value',
      nodeView('n', { labels: { a: '1' } }),
      nodeView('n', { labels: { a: '2' } }),
      false,
    ],
    [
      'one label more',
      nodeView('n', { labels: { a: '1' } }),
      nodeView('n', { labels: { a: '1', b: '' } }),
      false,
    ],
    [
      'another allocatable',
      nodeView('n', { allocatable: { cpu: '8', 'nvidia.com/gpu': '4' } }),
      nodeView('n', { allocatable: { cpu: '8', 'nvidia.com/gpu': '2' } }),
      false,
    ],
  ])('given %s, returns %s', (_what, a, b, alike) => {
    expect(judgedAlike(a, b)).toBe(alike);
    expect(judgedAlike(b, a)).toBe(alike);
  });
});

describe('viewsToJudge', () => {
  const held = nodeView('n', { labels: { a: '1' } });
  it('given only the snapshot’s view, returns it', () => {
    expect(viewsToJudge(held, undefined)).toEqual([{ view: held, asSent: false }]);
  });
  it('given a sent view alike the snapshot’s, returns the snapshot’s alone', () => {
    expect(viewsToJudge(held, nodeView('n', { labels: { a: '1' } }))).toEqual([
      { view: held, asSent: false },
    ]);
  });
  it('given a sent view that differs, returns both, the sent one marked', () => {
    const sent = nodeView('n', { labels: { a: '2' } });
    expect(viewsToJudge(held, sent)).toEqual([
      { view: held, asSent: false },
      { view: sent, asSent: true },
    ]);
  });
  it('given a sent view of a node the snapshot lacks, returns it unmarked (it is the only one)', () => {
    const sent = nodeView('n');
    expect(viewsToJudge(undefined, sent)).toEqual([{ view: sent, asSent: false }]);
  });
  it('given neither, returns none', () => {
    expect(viewsToJudge(undefined, undefined)).toEqual([]);
  });
});
