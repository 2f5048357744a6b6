import { DEFAULT_RULE_SETTINGS } from './settings.js';
import { checkScheduling, SCHEDULER_RULE } from './scheduler-bypass.js';

const second = { ...DEFAULT_RULE_SETTINGS, schedulerName: 'corral-scheduler' };
const pod = (spec: Record<string, unknown>, annotations?: Record<string, string>) => ({
  metadata: { name: 'p', ...(annotations ? { annotations } : {}) },
  spec: { containers: [{ name: 'a', image: 'x' }], ...spec },
});
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
    ['Pod', pod({ nodeName: 'n1' }, { 'kubernetes.io/config.mirror': 'abc' }), DEFAULT_RULE_SETTINGS, 'skip'],
    ['Deployment', deployment({ nodeName: 'n1' }), DEFAULT_RULE_SETTINGS, 'fail'],
    ['Deployment', deployment({ schedulerName: 'default-scheduler' }), second, 'pass'],
    ['CronJob', cronJob({ schedulerName: 'other' }), DEFAULT_RULE_SETTINGS, 'fail'],
    ['ConfigMap', { data: {} }, DEFAULT_RULE_SETTINGS, 'skip'],
  ])('given a %s %j (scheduler %s), answers %s', (kind, object, settings, outcome) => {
    const decision = checkScheduling(kind, object, settings);
    expect(decision).toMatchObject({ rule: SCHEDULER_RULE, outcome });
  });

  it('names the field and the fix in its refusals', () => {
    expect(checkScheduling('Pod', pod({ nodeName: 'gpu-3' }), second).message).toMatch(
      /spec\.nodeName \(gpu-3\).*remove it/,
    );
    expect(checkScheduling('Pod', pod({ schedulerName: 'volcano' }), second).message).toMatch(
      /spec\.schedulerName volcano.*set it to corral-scheduler/,
    );
  });
});
