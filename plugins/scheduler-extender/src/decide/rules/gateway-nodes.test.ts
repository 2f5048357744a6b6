import { rawNode } from '@corral/cluster';
import { DEPARTMENT_LABEL } from '@corral/policy';
import { nodeView, ruleInput, smallCluster } from '../../testing/small-cluster.js';
import { RefusalMemo } from '../refusal-memo.js';
import { SentNodes } from '../sent-nodes.js';
import { gatewayNodes } from './gateway-nodes.js';

const GATEWAY = { labels: { 'corral.dev/role': 'gateway' } };

describe('gatewayNodes', () => {
  const store = smallCluster();
  it.each([
    [
      'an ordinary pod on a gateway node',
      'web-ns',
      {},
      'gw-1',
      'fail',
      'dedicated to API gateways (pod lacks label corral.dev/role=gateway)',
    ],
    ['a gateway pod on a gateway node', 'web-ns', GATEWAY, 'gw-1', 'pass', ''],
    ['an ordinary pod on an ordinary node', 'web-ns', {}, 'shared-1', 'pass', ''],
    [
      'a gateway pod of a shared department with no gateway node of its own, on an ordinary node',
      'res-ns',
      GATEWAY,
      'shared-1',
      'fail',
      'this pod may use 1 in the shared pool (department res has none of its own); this node is not one',
    ],
    [
      'a gateway pod with no department on an ordinary node while shared gateway nodes exist',
      'sandbox',
      GATEWAY,
      'shared-1',
      'fail',
      'this pod may use 1 in the shared pool; this node is not one',
    ],
    [
      'a gateway pod of a dedicated department without gateway nodes of its own',
      'fin-ns',
      GATEWAY,
      'fin-1',
      'pass',
      '',
    ],
  ])('given %s, returns %s', (_what, namespace, pod, node, status, message) => {
    const result = gatewayNodes(ruleInput(store, namespace, node, pod));
    expect(result.status).toBe(status);
    expect(result.message).toContain(message);
    if (status === 'fail') expect(result.unresolvable).toBe(true);
  });

  it('given a dedicated department with its own gateway node, names that pool only', () => {
    const local = smallCluster();
    local.upsert(
      'Node',
      rawNode('fin-gw', { labels: { [DEPARTMENT_LABEL]: 'fin', 'corral.dev/role': 'gateway' } }),
      'test',
    );
    const result = gatewayNodes(ruleInput(local, 'fin-ns', 'fin-1', GATEWAY));
    expect(result.status).toBe('fail');
    expect(result.message).toContain("this pod may use 1 of department fin's own; this node is not one");
  });

  it('given gateway nodes of its own and in the shared pool, counts each pool', () => {
    const local = smallCluster();
    for (const name of ['res-gw-1', 'res-gw-2'])
      local.upsert(
        'Node',
        rawNode(name, { labels: { [DEPARTMENT_LABEL]: 'res', 'corral.dev/role': 'gateway' } }),
        'test',
      );
    const result = gatewayNodes(ruleInput(local, 'res-ns', 'shared-1', GATEWAY));
    expect(result.message).toContain(
      "this pod may use 2 of department res's own and 1 in the shared pool; this node is not one",
    );
  });
});

describe('gatewayNodes with Node objects sent (full mode)', () => {
  it('given a gateway node of its own the snapshot lacks among the nodes sent, refuses a gateway pod elsewhere', () => {
    const store = smallCluster();
    const input = ruleInput(store, 'fin-ns', 'fin-1', GATEWAY);
    const finGw = nodeView('fin-gw', { labels: { [DEPARTMENT_LABEL]: 'fin', 'corral.dev/role': 'gateway' } });
    expect(gatewayNodes(input).status).toBe('pass');
    const sent = new SentNodes(
      [
        { name: 'fin-1', view: input.node },
        { name: 'fin-gw', view: finGw },
      ],
      store,
    );
    const result = gatewayNodes({ ...input, memo: new RefusalMemo(), sent });
    expect(result.status).toBe('fail');
    expect(result.message).toContain("this pod may use 1 of department fin's own; this node is not one");
  });
});
