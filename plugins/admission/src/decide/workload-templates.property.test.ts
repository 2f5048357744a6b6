import fc from 'fast-check';
import { examplesValidator } from '../testing/validate-examples.js';
import { isDenial, type Decision } from './decision.js';
import { podSpecPath } from './pod-spec.js';
import type { AdmissionRequest } from './request.js';

/**
 * A workload is refused at `kubectl apply` for every rule that would refuse the pods it makes
 * (image rules and scheduler placement; quotas count pods only), naming the same containers; an UPDATE
 * that leaves the template's images alone (a scale, an annotation) is not judged on images again.
 */
const { validate } = await examplesValidator();

const SHA = `@sha256:${'a'.repeat(64)}`;
const IMAGES = [
  'harbor.example.com/finance/payments/api:1.2',
  `harbor.example.com/finance/payments/api:1.2${SHA}`,
  `harbor.example.com/finance/payments/api${SHA}`,
  'harbor.example.com/finance/payments/api',
  'harbor.example.com/finance/payments/api:latest',
  'harbor.example.com/financex/api:1',
  'harbor.example.com/finance/../hr/app:1',
  'harbor.example.com/web/shop:1',
  `harbor.example.com/web/shop:1${SHA}`,
  'harbor.example.com/web/experimental/x:1',
  'nginx',
  'docker.io/library/nginx:1.25',
  `quay.io/x@sha512:${'b'.repeat(128)}`,
  `quay.io/x@sha256:${'b'.repeat(63)}`,
];

const KINDS: readonly (readonly [string, string])[] = [
  ['apps', 'Deployment'],
  ['apps', 'StatefulSet'],
  ['apps', 'DaemonSet'],
  ['apps', 'ReplicaSet'],
  ['batch', 'Job'],
  ['batch', 'CronJob'],
  ['', 'ReplicationController'],
];

const containers = (images: readonly string[], prefix: string) =>
  images.map((image, index) => ({ name: `${prefix}${index}`, image }));

const specArbitrary = fc.record(
  {
    containers: fc.array(fc.constantFrom(...IMAGES), { minLength: 1, maxLength: 3 }),
    initContainers: fc.array(fc.constantFrom(...IMAGES), { maxLength: 2 }),
    nodeName: fc.constant('n1'),
    schedulerName: fc.constantFrom('default-scheduler', 'volcano'),
  },
  { requiredKeys: ['containers'] },
);

type Spec = { containers: string[]; initContainers?: string[]; nodeName?: string; schedulerName?: string };

function podSpec(spec: Spec): Record<string, unknown> {
  const { containers: app, initContainers: init, ...rest } = spec;
  return {
    ...rest,
    containers: containers(app, 'c'),
    ...(init ? { initContainers: containers(init, 'i') } : {}),
  };
}

/** `spec` placed at the kind's pod template path, with `extra` at the top of the object's spec. */
function workload(kind: string, spec: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const path = podSpecPath(kind) ?? [];
  let node: Record<string, unknown> = spec;
  for (const key of path.slice(1).reverse()) node = { [key]: node };
  return { metadata: { name: 'w', namespace: 'x' }, spec: { ...extra, ...node } };
}

const request = (
  namespace: string,
  group: string,
  kind: string,
  object: unknown,
  oldObject?: unknown,
): AdmissionRequest => ({
  uid: 'u',
  kind: { group, version: 'v1', kind },
  namespace,
  name: 'w',
  operation: oldObject === undefined ? 'CREATE' : 'UPDATE',
  object,
  ...(oldObject === undefined ? {} : { oldObject }),
});

const QUOTA = /quota/;
/** The denials a workload shares with its pods, as `rule: message`. */
const denials = (decisions: readonly Decision[]) =>
  decisions.filter((d) => isDenial(d) && !QUOTA.test(d.rule)).map((d) => `${d.rule}: ${d.message}`);

describe('workload templates are judged as their pods', () => {
  it('given any template in an enforcing namespace, a workload CREATE is refused with the pod’s denials', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('finance-prod', 'web-prod', 'web-gateway'),
        fc.constantFrom(...KINDS),
        specArbitrary,
        (namespace, [group, kind], spec) => {
          const template = podSpec(spec);
          const pod = denials(
            validate(request(namespace, '', 'Pod', { metadata: {}, spec: template })).decisions,
          );
          const made = denials(validate(request(namespace, group, kind, workload(kind, template))).decisions);
          expect(made).toEqual(pod);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('given an UPDATE that changes only replicas or an annotation, judges no image again', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('finance-prod', 'web-prod'),
        fc.constantFrom(...KINDS),
        specArbitrary,
        (namespace, [group, kind], spec) => {
          const template = podSpec({ ...spec, schedulerName: 'default-scheduler' });
          delete template['nodeName'];
          const before = workload(kind, template, { replicas: 1 });
          const after = {
            ...workload(kind, template, { replicas: 5 }),
            metadata: { annotations: { a: 'b' } },
          };
          const decisions = validate(request(namespace, group, kind, after, before)).decisions;
          expect(decisions.filter(isDenial)).toEqual([]);
          expect(decisions.find((d) => d.rule === 'image-registry')?.outcome).toBe('skip');
        },
      ),
      { numRuns: 200 },
    );
  });
});
