import { rawNamespace, rawNamespacePolicy, SnapshotStore } from '@corral/cluster';
import type { NamespacePolicy } from '@corral/policy';
import type { AdmissionRequest } from './request.js';
import { holding, POD_SPEC_KINDS, workloadReview } from '../testing/workload-review.js';
import { templateDefaultLimitWarnings } from './template-default-limits.js';

type Json = Record<string, unknown>;

/** A NamespacePolicy with finance-prod's defaults, as the snapshot holds it. */
function policyWithDefaults(): NamespacePolicy {
  const defaults = { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '512Mi' } };
  const store = new SnapshotStore();
  store.replaceAll('Namespace', [rawNamespace('lab')], 'test');
  store.replaceAll('NamespacePolicy', [rawNamespacePolicy('lab', 'p', { defaults })], 'test');
  const policy = store.namespacePolicy('lab');
  if (policy === undefined) throw new Error('policy not loaded');
  return policy;
}
const POLICY = policyWithDefaults();

const KINDS = POD_SPEC_KINDS;
const review = workloadReview;

const IMAGE = 'harbor.example.com/lab/app:1';
const BIG_CPU = { containers: [{ name: 'app', image: IMAGE, resources: { requests: { cpu: '3' } } }] };
const ABOVE = 'containers[0] "app": no default cpu limit 1: its request 3 is above it';
const messages = (request: AdmissionRequest, ...policy: [NamespacePolicy?]) =>
  templateDefaultLimitWarnings(request, policy.length === 0 ? POLICY : policy[0]).map(
    (d) => `${d.rule}:${d.outcome}: ${d.message}`,
  );

describe('templateDefaultLimitWarnings', () => {
  const templateKinds = Object.keys(KINDS).filter((kind) => kind !== 'Pod');
  it.each(templateKinds)(
    'given a %s whose container requests more cpu than the default limit, warns',
    (kind) => {
      expect(messages(review(kind, holding(kind, BIG_CPU)))).toEqual([`default-limits:warn: ${ABOVE}`]);
    },
  );

  it('given a Deployment sized at pod level, names where its template sets the resource', () => {
    const spec = {
      resources: { limits: { cpu: '2' } },
      containers: [
        { name: 'a', image: IMAGE },
        { name: 'b', image: IMAGE },
      ],
    };
    expect(messages(review('Deployment', holding('Deployment', spec)))).toEqual([
      'default-limits:warn: containers[0] "a", containers[1] "b": no default cpu limit 1: ' +
        'the pod sets cpu in spec.template.spec.resources',
    ]);
  });

  it('given a CronJob sized at pod level, names the jobTemplate path', () => {
    const spec = { resources: { requests: { memory: '1Gi' } }, containers: [{ name: 'a', image: IMAGE }] };
    expect(messages(review('CronJob', holding('CronJob', spec)))).toEqual([
      'default-limits:warn: containers[0] "a": no default memory limit 512Mi: ' +
        'the pod sets memory in spec.jobTemplate.spec.template.spec.resources',
    ]);
  });

  const quiet: [string, AdmissionRequest, NamespacePolicy | undefined][] = [
    // The mutating webhook warns a pod's creation; the validating webhook must not say it again.
    ['a Pod (warned by the mutating webhook)', review('Pod', holding('Pod', BIG_CPU)), POLICY],
    [
      'a namespace without a NamespacePolicy',
      review('Deployment', holding('Deployment', BIG_CPU)),
      undefined,
    ],
    [
      'containers that take every default',
      review('Deployment', holding('Deployment', { containers: [{ name: 'app', image: IMAGE }] })),
      POLICY,
    ],
    [
      'containers with limits of their own',
      review(
        'Deployment',
        holding('Deployment', {
          containers: [{ name: 'app', image: IMAGE, resources: { limits: { cpu: '4', memory: '1Gi' } } }],
        }),
      ),
      POLICY,
    ],
    [
      'an UPDATE that scales (containers unchanged)',
      review(
        'Deployment',
        holding('Deployment', BIG_CPU, { replicas: 5 }),
        'UPDATE',
        holding('Deployment', BIG_CPU, { replicas: 2 }),
      ),
      POLICY,
    ],
    [
      'an UPDATE of the template metadata only (a rollout restart)',
      review('Deployment', holding('Deployment', BIG_CPU), 'UPDATE', {
        spec: { template: { metadata: { annotations: { restartedAt: 'now' } }, spec: BIG_CPU } },
      }),
      POLICY,
    ],
    [
      'a CronJob UPDATE that suspends it',
      review(
        'CronJob',
        holding('CronJob', BIG_CPU, { suspend: true }),
        'UPDATE',
        holding('CronJob', BIG_CPU),
      ),
      POLICY,
    ],
    [
      'a subresource',
      { ...review('Deployment', holding('Deployment', BIG_CPU)), subResource: 'status' },
      POLICY,
    ],
    ['a Deployment without a template', review('Deployment', { spec: {} }), POLICY],
  ];
  it.each(quiet)('given %s, warns nothing', (_what, request, policy) => {
    expect(messages(request, policy)).toEqual([]);
  });

  const changed: [string, Json][] = [
    ['the image', { containers: [{ ...BIG_CPU.containers[0], image: `${IMAGE}-old` }] }],
    [
      'the container resources',
      { containers: [{ name: 'app', image: IMAGE, resources: { requests: { cpu: '2' } } }] },
    ],
    ['the init containers', { ...BIG_CPU, initContainers: [{ name: 'init', image: IMAGE }] }],
    ['the pod-level resources', { ...BIG_CPU, resources: { limits: { memory: '1Gi' } } }],
  ];
  it.each(changed)(
    'given a Deployment UPDATE that changes %s, warns about the new template',
    (_what, before) => {
      const request = review(
        'Deployment',
        holding('Deployment', BIG_CPU),
        'UPDATE',
        holding('Deployment', before),
      );
      expect(messages(request)).toEqual([`default-limits:warn: ${ABOVE}`]);
    },
  );

  it('given an UPDATE whose old object has no template, warns', () => {
    const request = review('Deployment', holding('Deployment', BIG_CPU), 'UPDATE', { spec: {} });
    expect(messages(request)).toEqual([`default-limits:warn: ${ABOVE}`]);
  });
});
