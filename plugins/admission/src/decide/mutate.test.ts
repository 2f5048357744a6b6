import fc from 'fast-check';
import jsonPatch from 'fast-json-patch';
import { listFixtures, loadAdmissionReview } from '../../../../test/support/fixtures.js';
import { podRequest, snapshotFromFiles } from '../testing/example-snapshot.js';
import { mutatePod } from './mutate.js';
import type { AdmissionRequest } from './request.js';
import { DEFAULT_RULE_SETTINGS } from './settings.js';

const snapshot = await snapshotFromFiles();
const settings = DEFAULT_RULE_SETTINGS;
type Pod = { metadata: { labels: Record<string, string> }; spec: Record<string, unknown> };

const mutate = (request: AdmissionRequest) => mutatePod(request, snapshot, settings);
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}
const again = (request: AdmissionRequest, mutated: unknown): AdmissionRequest => ({
  ...request,
  object: mutated,
});

describe('mutatePod on the examples', () => {
  it('given a finance-prod pod without resources, adds defaults, placement, pull secret and label', () => {
    const request = podRequest('finance-prod', {
      containers: [{ name: 'app', image: 'x' }],
      initContainers: [{ name: 'i', image: 'y' }],
    });
    const { mutated } = mutate(request);
    const pod = mutated as Pod;
    const defaults = { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '512Mi' } };
    expect(pod.spec['containers']).toEqual([{ name: 'app', image: 'x', resources: defaults }]);
    expect(pod.spec['initContainers']).toEqual([{ name: 'i', image: 'y', resources: defaults }]);
    expect(pod.spec['imagePullSecrets']).toEqual([{ name: 'harbor-finance' }]);
    expect(pod.metadata.labels['corral.dev/department']).toBe('finance');
    expect(pod.spec['tolerations']).toEqual([
      { key: 'corral.dev/department', operator: 'Equal', value: 'finance', effect: 'NoSchedule' },
    ]);
    expect(request.object.spec).toEqual({
      containers: [{ name: 'app', image: 'x' }],
      initContainers: [{ name: 'i', image: 'y' }],
    });
  });

  const resourceCases: [string, Record<string, unknown>, Record<string, unknown>][] = [
    [
      'a full spec',
      { requests: { cpu: '2', memory: '1Gi' }, limits: { cpu: '4', memory: '2Gi' } },
      { requests: { cpu: '2', memory: '1Gi' }, limits: { cpu: '4', memory: '2Gi' } },
    ],
    [
      'only limits',
      { limits: { cpu: '4' } },
      { requests: { memory: '128Mi' }, limits: { cpu: '4', memory: '512Mi' } },
    ],
    [
      'a request above the default limit',
      { requests: { cpu: '3' } },
      { requests: { cpu: '3', memory: '128Mi' }, limits: { memory: '512Mi' } },
    ],
  ];
  it.each(resourceCases)('given a container with %s, returns %j', (_what, resources, expected) => {
    const { mutated } = mutate(
      podRequest('finance-prod', { containers: [{ name: 'a', image: 'x', resources }] }),
    );
    expect((mutated as Pod).spec['containers']).toEqual([{ name: 'a', image: 'x', resources: expected }]);
  });

  it('given containers that already carry every default, shares them (and their list) with the request', () => {
    const full = { requests: { cpu: '2', memory: '1Gi' }, limits: { cpu: '4', memory: '2Gi' } };
    const request = podRequest('finance-prod', {
      initContainers: [{ name: 'i', image: 'y', resources: full }],
      containers: [
        { name: 'a', image: 'x', resources: full },
        { name: 'b', image: 'x' },
      ],
    });
    const original = request.object.spec as { initContainers: unknown[]; containers: unknown[] };
    const spec = (mutate(request).mutated as Pod).spec as typeof original;
    // Unchanged subtrees stay the request's own objects, so the envelope's diff skips them.
    expect(spec.initContainers).toBe(original.initContainers);
    expect(spec.containers).not.toBe(original.containers);
    expect(spec.containers[0]).toBe(original.containers[0]);
    expect(spec.containers[1]).not.toBe(original.containers[1]);
  });

  it('given existing pull secrets, adds the policy one once', () => {
    const spec = { containers: [], imagePullSecrets: [{ name: 'mine' }, { name: 'harbor-finance' }] };
    const { mutated } = mutate(podRequest('finance-prod', spec));
    expect((mutated as Pod).spec['imagePullSecrets']).toEqual([{ name: 'mine' }, { name: 'harbor-finance' }]);
  });

  const skipped: [string, AdmissionRequest][] = [
    ['kube-system', podRequest('kube-system', { containers: [] })],
    ['corral-system', podRequest('corral-system', { containers: [] })],
    ['a namespace of no department', podRequest('sandbox', { containers: [] })],
    ['an UPDATE', podRequest('finance-prod', { containers: [] }, { operation: 'UPDATE' })],
  ];
  it.each(skipped)('given a pod in %s, returns no mutation', (_what, request) => {
    const result = mutate(request);
    expect(result.mutated).toBeUndefined();
    expect(result.decisions[0]?.outcome).toBe('skip');
  });

  it('given a GPU pod in research-ml, tolerates GPU taints and avoids gateways', () => {
    const spec = {
      containers: [{ name: 't', image: 'x', resources: { limits: { 'nvidia.com/gpu': '1' } } }],
    };
    const pod = mutate(podRequest('research-ml', spec)).mutated as Pod;
    const tolerations = (pod.spec['tolerations'] as { key: string }[]).map((t) => t.key);
    expect(tolerations).toEqual(['corral.dev/department', 'corral.dev/role', 'nvidia.com/gpu']);
    expect(JSON.stringify(pod.spec['affinity'])).toContain('"NotIn","values":["gateway"]');
  });
});

describe('mutatePod idempotence', () => {
  const namespaces = [
    'finance-prod',
    'finance-dev',
    'research-ml',
    'research-batch',
    'web-prod',
    'web-gateway',
  ];
  const container = fc.record(
    {
      name: fc.constantFrom('a', 'b'),
      image: fc.constant('img:1'),
      resources: fc.option(
        fc.record(
          {
            requests: fc.option(
              fc.dictionary(
                fc.constantFrom('cpu', 'memory', 'nvidia.com/gpu'),
                fc.constantFrom('1', '100m', '2Gi'),
              ),
              { nil: undefined },
            ),
            limits: fc.option(
              fc.dictionary(
                fc.constantFrom('cpu', 'memory', 'nvidia.com/gpu'),
                fc.constantFrom('1', '4', '8Gi'),
              ),
              { nil: undefined },
            ),
          },
          { requiredKeys: [] },
        ),
        { nil: undefined },
      ),
    },
    { requiredKeys: ['name', 'image'] },
  );
  const term = fc.record({
    matchExpressions: fc.array(
      fc.record({
        key: fc.constantFrom('zone', 'corral.dev/role', 'corral.dev/department'),
        operator: fc.constantFrom('In', 'NotIn', 'Exists'),
        values: fc.constant(['a']),
      }),
      { maxLength: 2 },
    ),
  });
  const spec = fc.record(
    {
      containers: fc.array(container, { maxLength: 3 }),
      initContainers: fc.option(fc.array(container, { maxLength: 2 }), { nil: undefined }),
      tolerations: fc.option(
        fc.array(
          fc.record({
            key: fc.constantFrom('corral.dev/department', 'x'),
            operator: fc.constantFrom('Equal', 'Exists'),
            value: fc.constantFrom('finance', 'web'),
            effect: fc.constant('NoSchedule'),
          }),
          { maxLength: 2 },
        ),
        { nil: undefined },
      ),
      affinity: fc.option(
        fc.record({
          nodeAffinity: fc.record({
            requiredDuringSchedulingIgnoredDuringExecution: fc.record({
              nodeSelectorTerms: fc.array(term, { maxLength: 3 }),
            }),
          }),
        }),
        { nil: undefined },
      ),
    },
    { requiredKeys: ['containers'] },
  );

  it('given any pod, mutating the mutated pod yields an empty patch', () => {
    fc.assert(
      fc.property(fc.constantFrom(...namespaces), spec, fc.boolean(), (namespace, podSpec, gateway) => {
        // Frozen: any write to the request's object throws, so the mutation must copy what it changes.
        const request = deepFreeze(
          podRequest(namespace, podSpec, gateway ? { labels: { 'corral.dev/role': 'gateway' } } : {}),
        );
        const first = mutate(request).mutated;
        const second = mutate(again(request, first)).mutated;
        expect(jsonPatch.compare(first as object, second as object)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it.each(listFixtures('admission-mutating-pods-create'))(
    'given recorded %s moved into finance-prod, is idempotent',
    (name) => {
      const review = loadAdmissionReview(name);
      const request = { ...review.request, namespace: 'finance-prod' } as unknown as AdmissionRequest;
      const first = mutate(request).mutated;
      expect(first).toBeDefined();
      expect(jsonPatch.compare(first as object, mutate(again(request, first)).mutated as object)).toEqual([]);
    },
  );
});
