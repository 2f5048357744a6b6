import { rawNamespace, rawNamespacePolicy, SnapshotStore } from '@corral/cluster';
import fc from 'fast-check';
import jsonPatch from 'fast-json-patch';
import { listFixtures, loadAdmissionReview } from '../../../../test/support/fixtures.js';
import { podRequest, snapshotFromFiles } from '../testing/example-snapshot.js';
import {
  deepFreeze,
  MUTATED_NAMESPACES,
  podLabelsArbitrary,
  podSpecArbitrary,
} from '../testing/pod-arbitraries.js';
import { isDeepFrozen } from './frozen-values.js';
import { mutatePod } from './mutate.js';
import type { AdmissionRequest } from './request.js';
import { DEFAULT_RULE_SETTINGS } from './settings.js';

const snapshot = await snapshotFromFiles();
const settings = DEFAULT_RULE_SETTINGS;
type Pod = { metadata: { labels: Record<string, string> }; spec: Record<string, unknown> };

const mutate = (request: AdmissionRequest) => mutatePod(request, snapshot, settings);
const again = (request: AdmissionRequest, mutated: unknown): AdmissionRequest => ({
  ...request,
  object: mutated,
});

describe('mutatePod with a second scheduler running the extender', () => {
  const second = { ...settings, schedulerName: 'corral-scheduler' };
  const schedulerOf = (request: AdmissionRequest) =>
    (mutatePod(request, snapshot, second).mutated as Pod | undefined)?.spec['schedulerName'];

  it.each([
    ['no scheduler', {}, 'corral-scheduler'],
    [
      'default-scheduler (as kube-apiserver defaults it)',
      { schedulerName: 'default-scheduler' },
      'corral-scheduler',
    ],
    [
      'another scheduler (left for the validating webhook to refuse)',
      { schedulerName: 'volcano' },
      'volcano',
    ],
  ])('given a finance-prod pod naming %s, sets %s', (_what, spec, expected) => {
    expect(
      schedulerOf(podRequest('finance-prod', { containers: [{ name: 'a', image: 'x' }], ...spec })),
    ).toBe(expected);
  });

  it('given the mutated pod again, yields it unchanged (idempotent)', () => {
    const request = podRequest('finance-prod', { containers: [{ name: 'a', image: 'x' }] });
    const once = mutatePod(request, snapshot, second).mutated;
    expect(mutatePod(again(request, once), snapshot, second).mutated).toEqual(once);
  });

  it('given the default settings, leaves schedulerName alone', () => {
    const request = podRequest('finance-prod', { containers: [{ name: 'a', image: 'x' }] });
    expect((mutate(request).mutated as Pod).spec['schedulerName']).toBeUndefined();
  });
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

  it('given a namespace of no department with a NamespacePolicy, applies its defaults and pull secrets only', () => {
    const store = new SnapshotStore();
    store.replaceAll('Namespace', [rawNamespace('lab')], 'test');
    const defaults = { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '500m', memory: '256Mi' } };
    const policy = rawNamespacePolicy('lab', 'p', { defaults, images: { pullSecrets: ['lab-registry'] } });
    store.replaceAll('NamespacePolicy', [policy], 'test');
    const request = podRequest('lab', { containers: [{ name: 'app', image: 'x' }] });
    const { mutated, decisions } = mutatePod(request, store, settings);
    expect(decisions[0]?.outcome).toBe('pass');
    const pod = mutated as Pod;
    expect(pod.spec['containers']).toEqual([{ name: 'app', image: 'x', resources: defaults }]);
    expect(pod.spec['imagePullSecrets']).toEqual([{ name: 'lab-registry' }]);
    expect(pod.spec['affinity']).toBeUndefined();
    expect(pod.spec['tolerations']).toBeUndefined();
    expect(pod.metadata.labels['corral.dev/department']).toBeUndefined();
    const patch = jsonPatch.compare(pod, mutatePod(again(request, mutated), store, settings).mutated as Pod);
    expect(patch).toEqual([]);
  });

  it('given a stored NamespacePolicy with defaults no pod could take (a GPU request without a limit), writes the others only', () => {
    const store = new SnapshotStore();
    store.replaceAll('Namespace', [rawNamespace('lab')], 'test');
    const defaults = { requests: { cpu: '50m', 'nvidia.com/gpu': '1' }, limits: { cpu: '500m' } };
    store.replaceAll('NamespacePolicy', [rawNamespacePolicy('lab', 'p', { defaults })], 'test');
    expect(store.namespacePolicy('lab')).toBeDefined(); // loaded: its quota and image rules still apply
    const { mutated } = mutatePod(
      podRequest('lab', { containers: [{ name: 'app', image: 'x' }] }),
      store,
      settings,
    );
    expect((mutated as Pod).spec['containers']).toEqual([
      { name: 'app', image: 'x', resources: { requests: { cpu: '50m' }, limits: { cpu: '500m' } } },
    ]);
  });

  it('given a container requesting more than the default limit, warns that it gets no default limit', () => {
    const request = podRequest('finance-prod', {
      containers: [{ name: 'app', image: 'x', resources: { requests: { cpu: '3' } } }],
    });
    const { decisions } = mutate(request);
    expect(decisions).toEqual([
      { rule: 'pod-defaults-and-placement', outcome: 'pass', message: '' },
      {
        rule: 'default-limits',
        outcome: 'warn',
        message: 'containers[0] "app": no default cpu limit 1: its request 3 is above it',
      },
    ]);
  });

  it('given a pod sized at pod level in a namespace of no department, warns about the limits left out', () => {
    const store = new SnapshotStore();
    store.replaceAll('Namespace', [rawNamespace('lab')], 'test');
    const defaults = { limits: { cpu: '500m', memory: '256Mi' } };
    store.replaceAll('NamespacePolicy', [rawNamespacePolicy('lab', 'p', { defaults })], 'test');
    const request = podRequest('lab', {
      resources: { limits: { memory: '1Gi' } },
      containers: [{ name: 'app', image: 'x' }],
    });
    const warnings = mutatePod(request, store, settings).decisions.filter((d) => d.outcome === 'warn');
    expect(warnings.map((d) => d.message)).toEqual([
      'containers[0] "app": no default memory limit 256Mi: the pod sets memory in spec.resources',
    ]);
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

describe('mutatePod copies on write', () => {
  const bare = () =>
    podRequest('finance-prod', {
      containers: [{ name: 'a', image: 'x' }],
      initContainers: [{ name: 'i', image: 'y' }],
    });

  it('given pods lacking resources, placement and pull secrets, adds the same deep-frozen values to each', () => {
    const [one, two] = [bare(), bare()].map((request) => (mutate(request).mutated as Pod).spec);
    for (const [what, pick] of [
      [
        'container resources',
        (s: Record<string, unknown>) => (s['containers'] as Pod['spec'][])[0]?.['resources'],
      ],
      [
        'init container resources',
        (s: Record<string, unknown>) => (s['initContainers'] as Pod['spec'][])[0]?.['resources'],
      ],
      ['affinity', (s: Record<string, unknown>) => s['affinity']],
      ['tolerations', (s: Record<string, unknown>) => s['tolerations']],
      ['pull secrets', (s: Record<string, unknown>) => s['imagePullSecrets']],
    ] as const) {
      expect(isDeepFrozen(pick(one ?? {})), what).toBe(true);
      expect(pick(one ?? {}), what).toBe(pick(two ?? {}));
    }
  });

  it('given an already mutated pod, returns its metadata and every spec field unchanged (no copies)', () => {
    const first = mutate(bare()).mutated as Pod;
    // As the API server would hand it back: a fresh JSON object, nothing shared with the first copy.
    const object = JSON.parse(JSON.stringify(first)) as Pod & Record<string, unknown>;
    const second = mutate(again(bare(), object)).mutated as Pod & Record<string, unknown>;
    expect(second['metadata']).toBe(object['metadata']);
    for (const key of Object.keys(object.spec)) expect(second.spec[key], key).toBe(object.spec[key]);
  });
});

describe('mutatePod idempotence', () => {
  it('given any pod, mutating the mutated pod yields an empty patch', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...MUTATED_NAMESPACES),
        podSpecArbitrary,
        podLabelsArbitrary,
        (namespace, podSpec, labels) => {
          // Frozen: any write to the request's object throws, so the mutation must copy what it changes.
          const request = deepFreeze(podRequest(namespace, podSpec, labels ? { labels } : {}));
          const first = mutate(request).mutated;
          const second = mutate(again(request, first)).mutated;
          expect(jsonPatch.compare(first as object, second as object)).toEqual([]);
        },
      ),
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
