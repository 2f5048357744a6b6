import { DEFAULT_RULE_SETTINGS } from './settings.js';
import { checkScheduling, SCHEDULER_RULE, type Requester } from './scheduler-bypass.js';

const second = { ...DEFAULT_RULE_SETTINGS, schedulerName: 'corral-scheduler' };
const pod = (spec: Record<string, unknown>, annotations?: Record<string, string>) => ({
  metadata: { name: 'p', ...(annotations ? { annotations } : {}) },
  spec: { containers: [{ name: 'a', image: 'x' }], ...spec },
});
const MIRROR = { 'kubernetes.io/config.mirror': 'abc' };
const KUBELET: Requester = { username: 'system:node:n1', groups: ['system:nodes', 'system:authenticated'] };
const TENANT: Requester = { username: 'dev', groups: ['system:authenticated'] };
/** A user named like a node but not in system:nodes (a certificate or token another issuer made). */
const FAKE_NODE_NAME: Requester = { username: 'system:node:n1', groups: ['system:authenticated'] };
const deployment = (spec: Record<string, unknown>) => ({ spec: { template: { spec: { ...spec } } } });
const cronJob = (spec: Record<string, unknown>) => ({
  spec: { jobTemplate: { spec: { template: { spec: { ...spec } } } } },
});

describe('checkScheduling', () => {
  it.each([
    ['Pod', pod({}), DEFAULT_RULE_SETTINGS, 'pass'],
    ['Pod', pod({ schedulerName: 'default-scheduler' }), DEFAULT_RULE_SETTINGS, 'pass'],
    ['Pod', pod({ schedulerName: 'corral-scheduler' }), second, 'pass'],
    ['Pod', pod({ schedulerName: 'default-scheduler' }), second, 'pass'],
    ['Pod', pod({ schedulerName: 'volcano' }), DEFAULT_RULE_SETTINGS, 'fail'],
    ['Pod', pod({ schedulerName: 'volcano' }), second, 'fail'],
    ['Pod', pod({ nodeName: 'gpu-3' }), DEFAULT_RULE_SETTINGS, 'fail'],
    ['Pod', pod({ nodeName: '' }), DEFAULT_RULE_SETTINGS, 'pass'],
    ['Pod', pod({ nodeName: 'n1' }, MIRROR), DEFAULT_RULE_SETTINGS, 'skip', KUBELET],
    // The annotation is the tenant's to write: only a kubelet's mirror pod skips the scheduler.
    ['Pod', pod({ nodeName: 'n1' }, MIRROR), DEFAULT_RULE_SETTINGS, 'fail', TENANT],
    ['Pod', pod({ nodeName: 'n1' }, MIRROR), DEFAULT_RULE_SETTINGS, 'fail', undefined],
    ['Pod', pod({ nodeName: 'n1' }, MIRROR), DEFAULT_RULE_SETTINGS, 'fail', FAKE_NODE_NAME],
    ['Deployment', deployment({ nodeName: 'n1' }), DEFAULT_RULE_SETTINGS, 'fail'],
    ['Deployment', deployment({ schedulerName: 'default-scheduler' }), second, 'pass'],
    ['CronJob', cronJob({ schedulerName: 'other' }), DEFAULT_RULE_SETTINGS, 'fail'],
    ['ConfigMap', { data: {} }, DEFAULT_RULE_SETTINGS, 'skip'],
  ])(
    'given a %s %j (scheduler %s), answers %s (requester %j)',
    (kind, object, settings, outcome, requester?: Requester) => {
      const decision = checkScheduling(kind, object, settings, requester);
      expect(decision).toMatchObject({ rule: SCHEDULER_RULE, outcome });
    },
  );

  it('names the field and the fix in its refusals', () => {
    expect(checkScheduling('Pod', pod({ nodeName: 'gpu-3' }), second).message).toMatch(
      /spec\.nodeName \(gpu-3\).*remove it/,
    );
    expect(checkScheduling('Pod', pod({ schedulerName: 'volcano' }), second).message).toMatch(
      /spec\.schedulerName volcano.*set it to corral-scheduler/,
    );
  });
});
