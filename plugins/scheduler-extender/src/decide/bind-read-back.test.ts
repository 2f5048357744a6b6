import { assumptionAfterReadBack, type PodReadBack, type ReadBackDecision } from './bind-read-back.js';

const bind = { uid: 'u1', node: 'shared-1' };
const pod = (uid: string, nodeName?: string): PodReadBack => ({ found: true, uid, nodeName });

describe('assumptionAfterReadBack: the assumption after a binding call of unknown outcome', () => {
  it.each<[string, PodReadBack | undefined, ReadBackDecision]>([
    ['the read failed too', undefined, { action: 'keep' }],
    ['the pod bound to that node', pod('u1', 'shared-1'), { action: 'keep' }],
    ['the pod unbound (nothing was bound)', pod('u1'), { action: 'forget' }],
    ['the pod with an empty nodeName', pod('u1', ''), { action: 'forget' }],
    ['no pod of that name (deleted)', { found: false }, { action: 'forget' }],
    ['another pod of that name, bound to that node', pod('u2', 'shared-1'), { action: 'forget' }],
    ['another pod of that name, unbound', pod('u2'), { action: 'forget' }],
    ['the pod bound to another node', pod('u1', 'shared-2'), { action: 'move', node: 'shared-2' }],
  ])('given %s, answers %j', (_what, readBack, expected) => {
    expect(assumptionAfterReadBack(readBack, bind)).toEqual(expected);
  });

  it.each<[string, PodReadBack, ReadBackDecision]>([
    ['bound to that node', pod('any', 'shared-1'), { action: 'keep' }],
    ['unbound', pod('any'), { action: 'forget' }],
    ['bound to another node', pod('any', 'shared-3'), { action: 'move', node: 'shared-3' }],
  ])(
    'given a bind that named no UID and the pod of that name %s, answers %j',
    (_what, readBack, expected) => {
      expect(assumptionAfterReadBack(readBack, { uid: '', node: 'shared-1' })).toEqual(expected);
    },
  );
});
