import { rawNode } from '@corral/cluster';
import { DEPARTMENT_LABEL } from '@corral/policy';
import { ruleInput, smallCluster } from '../../testing/small-cluster.js';
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
      'a gateway pod of a shared department on an ordinary node while shared gateway nodes exist',
      'web-ns',
      GATEWAY,
      'shared-1',
      'fail',
      '1 such node(s) exist',
    ],
    [
      'a gateway pod with no department on an ordinary node while shared gateway nodes exist',
      'sandbox',
      GATEWAY,
      'shared-1',
      'fail',
      'the shared pool',
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

  it('given a dedicated department that gets its own gateway node, refuses its gateway pods elsewhere', () => {
    const local = smallCluster();
    local.upsert(
      'Node',
      rawNode('fin-gw', { labels: { [DEPARTMENT_LABEL]: 'fin', 'corral.dev/role': 'gateway' } }),
      'test',
    );
    const result = gatewayNodes(ruleInput(local, 'fin-ns', 'fin-1', GATEWAY));
    expect(result.status).toBe('fail');
    expect(result.message).toContain('department fin');
  });
});
