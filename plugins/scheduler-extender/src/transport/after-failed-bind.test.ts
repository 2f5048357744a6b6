import { rawNode, rawPod } from '@corral/cluster';
import type { PodReadBack } from '../decide/bind-read-back.js';
import { EXT_ERR, ExtenderError } from '../errors.js';
import { smallCluster } from '../testing/small-cluster.js';
import { testExtender } from '../testing/test-extender.js';

const pending = (namespace: string, name: string, uid: string) =>
  rawPod(namespace, name, { phase: 'Pending', uid });
const bindArgs = (node: string, uid = 'u') => ({
  PodNamespace: 'web-ns',
  PodName: 'web-0',
  PodUID: uid,
  Node: node,
});
const unknownOutcome = () =>
  new ExtenderError(EXT_ERR.BIND_FAILED, 'binding … failed (HTTP 500): the binding may exist', {
    details: { outcomeUnknown: true },
  });
const settled = () => new Promise((resolve) => setImmediate(resolve));

/**
 * An extender whose first binding call fails with an unknown outcome (later ones succeed) and whose
 * read-back answers when the test says; web-0 (department web) filtered onto shared-1 and shared-3.
 */
async function afterUnknownBind() {
  let answerReadBack: ((pod: PodReadBack | undefined) => void) | undefined;
  let failReadBack: ((error: Error) => void) | undefined;
  let calls = 0;
  const binder = {
    bind: () => (++calls === 1 ? Promise.reject(unknownOutcome()) : Promise.resolve()),
    readBack: () =>
      new Promise<PodReadBack | undefined>((resolve, reject) => {
        answerReadBack = resolve;
        failReadBack = reject;
      }),
  };
  const store = smallCluster();
  store.upsert('Node', rawNode('shared-3'), 'test');
  const { extender, post } = testExtender(store, { binder });
  await post('filter', { Pod: pending('web-ns', 'web-0', 'u'), NodeNames: ['shared-1', 'shared-3'] });
  const answer = await post('bind', bindArgs('shared-1'));
  expect(answer.body['Error']).toMatch(/^EXT_ERR_BIND_FAILED: .*may exist/);
  /** The nodes a res pod (another department) may use: a web pod known or assumed there refuses it. */
  const resFits = async () =>
    (await post('filter', { Pod: pending('res-ns', 'r1', 'u-r1'), NodeNames: ['shared-1', 'shared-3'] }))
      .body['NodeNames'];
  const readBack = async (pod: PodReadBack | undefined | Error) => {
    if (pod instanceof Error) failReadBack?.(pod);
    else answerReadBack?.(pod);
    await settled();
  };
  return { extender, post, resFits, readBack };
}

describe('after a binding call of unknown outcome, the read-back decides the assumption', () => {
  it('given no answer yet from the read-back, keeps the pod assumed on the node', async () => {
    const { extender, resFits } = await afterUnknownBind();
    expect(await resFits()).toEqual(['shared-3']);
    await extender.close();
  });

  it.each<[string, PodReadBack | undefined | Error, string[]]>([
    ['the pod bound to that node', { found: true, uid: 'u', nodeName: 'shared-1' }, ['shared-3']],
    ['a failed read', undefined, ['shared-3']],
    ['a read that throws', new Error('socket hang up'), ['shared-3']],
    ['the pod unbound', { found: true, uid: 'u', nodeName: undefined }, ['shared-1', 'shared-3']],
    ['no pod of that name', { found: false }, ['shared-1', 'shared-3']],
    [
      'another pod of that name there',
      { found: true, uid: 'u2', nodeName: 'shared-1' },
      ['shared-1', 'shared-3'],
    ],
    ['the pod bound to shared-3', { found: true, uid: 'u', nodeName: 'shared-3' }, ['shared-1']],
  ])('given %s, leaves another department the nodes %j', async (_what, pod, fits) => {
    const { extender, resFits, readBack } = await afterUnknownBind();
    await readBack(pod);
    expect(await resFits()).toEqual(fits);
    await extender.close();
  });

  it("given a retry of the same pod assumed meanwhile, a read-back showing it unbound keeps the retry's assumption", async () => {
    const { extender, post, resFits, readBack } = await afterUnknownBind();
    expect((await post('bind', bindArgs('shared-1'))).body).toEqual({ Error: '' });
    await readBack({ found: true, uid: 'u', nodeName: undefined });
    expect(await resFits()).toEqual(['shared-3']);
    await extender.close();
  });

  it("given a retry of the same pod assumed meanwhile, a read-back showing it elsewhere does not move the retry's assumption", async () => {
    const { extender, post, resFits, readBack } = await afterUnknownBind();
    expect((await post('bind', bindArgs('shared-1'))).body).toEqual({ Error: '' });
    await readBack({ found: true, uid: 'u', nodeName: 'shared-3' });
    expect(await resFits()).toEqual(['shared-3']);
    await extender.close();
  });
});
