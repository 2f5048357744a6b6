import { DEPARTMENT_LABEL } from '@corral/policy';
import { rawDepartment, rawNamespace, rawNamespacePolicy, SnapshotStore } from '@corral/cluster';
import type { AdmissionRequest } from './request.js';
import { holding, POD_SPEC_KINDS, workloadReview } from '../testing/workload-review.js';
import { templateQuotaDecisions } from './template-quota.js';

type Json = Record<string, unknown>;

/**
 * `lab` (department `dept`, quota requests.cpu 24, pods 400): defaults cpu 100m/500m, memory
 * 128Mi/256Mi, quota limits cpu and memory; `bare` has a quota on requests.cpu only and no defaults;
 * `closed` allows no pod; `free` has a NamespacePolicy without quota and no department.
 */
function store(): SnapshotStore {
  const s = new SnapshotStore();
  s.replaceAll(
    'Namespace',
    [
      rawNamespace('lab', { [DEPARTMENT_LABEL]: 'dept' }),
      rawNamespace('bare'),
      rawNamespace('closed'),
      rawNamespace('free'),
    ],
    'test',
  );
  s.replaceAll(
    'Department',
    [rawDepartment('dept', { quota: { hard: { 'requests.cpu': '24', pods: '400' } } })],
    'test',
  );
  const defaults = { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } };
  const hard = { 'requests.cpu': '8', 'limits.cpu': '16', 'limits.memory': '32Gi', pods: '60' };
  s.replaceAll(
    'NamespacePolicy',
    [
      rawNamespacePolicy('lab', 'policy', { defaults, quota: { hard } }),
      rawNamespacePolicy('bare', 'policy', { quota: { hard: { 'requests.cpu': '4' } } }),
      rawNamespacePolicy('closed', 'policy', { defaults, quota: { hard: { pods: '0' } } }),
      rawNamespacePolicy('free', 'policy', { defaults }),
    ],
    'test',
  );
  return s;
}
const VIEW = store();

const KINDS = POD_SPEC_KINDS;
const review = workloadReview;

const IMAGE = 'harbor.example.com/lab/app:1';
const app = (resources?: Json, name = 'app'): Json => ({
  name,
  image: IMAGE,
  ...(resources ? { resources } : {}),
});
const seen = (request: AdmissionRequest, namespace = 'lab') =>
  templateQuotaDecisions({ ...request, namespace }, namespace, VIEW).map(
    (d) => `${d.rule}:${d.outcome}: ${d.message}`,
  );

const LIMIT_RANGE =
  'every pod of this template is refused unless a LimitRange of the namespace sets what it lacks: ';
const NO_CPU_LIMIT =
  `namespace-quota:warn: ${LIMIT_RANGE}the NamespacePolicy quota of namespace lab limits limits.cpu, so every container ` +
  'must say how much it takes: set resources.limits.cpu in spec.template.spec.containers[0] "app" (at least ' +
  'its request: the NamespacePolicy default limit cpu 500m is written only into containers whose request ' +
  'fits under it)';

describe('templateQuotaDecisions', () => {
  const templateKinds = Object.keys(KINDS).filter((kind) => kind !== 'Pod');
  const path = (kind: string) =>
    kind === 'CronJob' ? 'spec.jobTemplate.spec.template.spec' : 'spec.template.spec';

  it.each(templateKinds)(
    'given a %s whose container requests more cpu than the default limit, warns that its pods are refused',
    (kind) => {
      const request = review(kind, holding(kind, { containers: [app({ requests: { cpu: '3' } })] }));
      expect(seen(request)).toEqual([NO_CPU_LIMIT.replace('spec.template.spec', path(kind))]);
    },
  );

  const fitting: [string, Json][] = [
    ['a bare container (every default written)', { containers: [app()] }],
    [
      'requests under the default limits',
      { containers: [app({ requests: { cpu: '400m', memory: '200Mi' } })] },
    ],
    [
      'a request above the default limit with a limit of its own',
      { containers: [app({ requests: { cpu: '3' }, limits: { cpu: '3' } })] },
    ],
    [
      'sizes at pod level',
      { resources: { limits: { cpu: '4', memory: '4Gi' } }, containers: [app({ requests: { cpu: '3' } })] },
    ],
    [
      'one pod at exactly the hard limits',
      { containers: [app({ requests: { cpu: '8' }, limits: { cpu: '16', memory: '32Gi' } })] },
    ],
  ];
  it.each(fitting)('given a Deployment with %s, finds nothing', (_, podSpec) => {
    expect(seen(review('Deployment', holding('Deployment', podSpec)))).toEqual([]);
  });

  const refused: [string, string, Json, string[]][] = [
    [
      'an init container asking more memory than the default limit (CronJob)',
      'CronJob',
      { initContainers: [app({ requests: { memory: '1Gi' } }, 'init')], containers: [app()] },
      [
        `namespace-quota:warn: ${LIMIT_RANGE}the NamespacePolicy quota of namespace lab limits limits.memory, so every ` +
          'container must say how much it takes: set resources.limits.memory in ' +
          'spec.jobTemplate.spec.template.spec.initContainers[0] "init" (at least its request: the ' +
          'NamespacePolicy default limit memory 256Mi is written only into containers whose request fits under it)',
      ],
    ],
    [
      'one pod over the namespace quota (requests.cpu 100 of 8) and the department quota (of 24)',
      'Deployment',
      { containers: [app({ requests: { cpu: '100' }, limits: { cpu: '100' } })] },
      [
        'namespace-quota:fail: one pod of this template exceeds the NamespacePolicy quota of namespace lab on ' +
          'its own, so every pod it makes is refused: requests.cpu 100 of 8; limits.cpu 100 of 16; lower what ' +
          'spec.template.spec asks, or ask a platform admin to raise the quota',
        'department-quota:fail: one pod of this template exceeds the quota of department dept on its own, so ' +
          'every pod it makes is refused: requests.cpu 100 of 24; lower what spec.template.spec asks, or ask a ' +
          'platform admin to raise the quota',
      ],
    ],
    [
      'init containers summing to nothing but one over (effective requests: the larger of init and app)',
      'Job',
      { initContainers: [app({ limits: { cpu: '10' } }, 'init')], containers: [app()] },
      [
        'namespace-quota:fail: one pod of this template exceeds the NamespacePolicy quota of namespace lab on ' +
          'its own, so every pod it makes is refused: requests.cpu 10 of 8; lower what spec.template.spec ' +
          'asks, or ask a platform admin to raise the quota',
      ],
    ],
  ];
  it.each(refused)('given %s, refuses or warns as each quota says', (_, kind, podSpec, expected) => {
    expect(seen(review(kind, holding(kind, podSpec)))).toEqual(expected);
  });

  it('given a namespace whose quota allows no pod, refuses every template', () => {
    expect(seen(review('StatefulSet', holding('StatefulSet', { containers: [app()] })), 'closed')).toEqual([
      'namespace-quota:fail: one pod of this template exceeds the NamespacePolicy quota of namespace closed ' +
        'on its own, so every pod it makes is refused: pods 1 of 0; lower what spec.template.spec asks, or ' +
        'ask a platform admin to raise the quota',
    ]);
  });

  it('given a quota without defaults, warns: asks the container for the request and suggests a default', () => {
    const [message] = seen(review('DaemonSet', holding('DaemonSet', { containers: [app()] })), 'bare');
    expect(message).toBe(
      `namespace-quota:warn: ${LIMIT_RANGE}the NamespacePolicy quota of namespace bare limits requests.cpu, so every ` +
        'container must say how much it takes: set resources.requests.cpu (or resources.limits.cpu) in ' +
        'spec.template.spec.containers[0] "app"; or ask a platform admin for a default in the NamespacePolicy',
    );
  });

  it('given a namespace with no quota in scope, finds nothing', () => {
    const podSpec = { containers: [app({ requests: { cpu: '1000' } })] };
    expect(seen(review('Deployment', holding('Deployment', podSpec)), 'free')).toEqual([]);
  });

  const big = holding('Deployment', { containers: [app({ requests: { cpu: '3' } })] }, { replicas: 1 });
  it('given an UPDATE that leaves the containers alone (a scale, a finalizer), finds nothing', () => {
    const scaled = { ...big, spec: { ...(big['spec'] as Json), replicas: 5 } };
    expect(seen(review('Deployment', scaled, 'UPDATE', big))).toEqual([]);
  });

  it('given an UPDATE that changes the containers, judges the template again', () => {
    const before = holding('Deployment', { containers: [app({ requests: { cpu: '300m' } })] });
    expect(seen(review('Deployment', big, 'UPDATE', before))).toEqual([NO_CPU_LIMIT]);
  });

  it('given a pod, a sub-resource or a template without a spec, finds nothing (pods are checked as pods)', () => {
    expect(seen(review('Pod', { spec: { containers: [app({ requests: { cpu: '100' } })] } }))).toEqual([]);
    expect(seen({ ...review('Deployment', big), subResource: 'scale' })).toEqual([]);
    expect(seen(review('Deployment', { spec: {} }))).toEqual([]);
  });

  it('leaves the request object as it was (the defaults go into a copy)', () => {
    const request = review('Deployment', holding('Deployment', { containers: [app()] }));
    const before = JSON.stringify(request.object);
    seen(request);
    expect(JSON.stringify(request.object)).toBe(before);
  });
});
