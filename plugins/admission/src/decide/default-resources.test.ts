import { rawNamespace, rawNamespacePolicy, SnapshotStore } from '@corral/cluster';
import type { NamespacePolicy } from '@corral/policy';
import { applyDefaultResources, skippedDefaultLimits } from './default-resources.js';

type Resources = Record<string, Record<string, string>>;
type Json = Record<string, unknown>;

/** A NamespacePolicy with these defaults, as the snapshot holds it. */
function policyWith(defaults: Resources): NamespacePolicy {
  const store = new SnapshotStore();
  store.replaceAll('Namespace', [rawNamespace('lab')], 'test');
  store.replaceAll('NamespacePolicy', [rawNamespacePolicy('lab', 'p', { defaults })], 'test');
  const policy = store.namespacePolicy('lab');
  if (policy === undefined) throw new Error('policy not loaded');
  return policy;
}

const DEFAULTS = { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '512Mi' } };

/** The resources of the first app container after defaulting a pod of this spec. */
function defaulted(spec: Record<string, unknown>, defaults: Resources = DEFAULTS): unknown {
  const copy = { ...spec };
  applyDefaultResources(copy, policyWith(defaults));
  return (copy['containers'] as { resources?: unknown }[])[0]?.resources;
}

const bare = { containers: [{ name: 'a', image: 'x' }] };

describe('applyDefaultResources with pod-level resources (spec.resources)', () => {
  // Kubernetes refuses a container limit above the pod-level limit and container requests summing
  // above the pod-level request; pods sized at pod level share that amount between their containers.
  const cases: [string, Resources, unknown][] = [
    [
      'a pod-level cpu limit below the default limit',
      { limits: { cpu: '200m' } },
      { requests: { memory: '128Mi' }, limits: { memory: '512Mi' } },
    ],
    [
      'a pod-level memory request below the default request',
      { requests: { memory: '64Mi' } },
      { requests: { cpu: '100m' }, limits: { cpu: '1' } },
    ],
    ['both cpu and memory at pod level', { requests: { cpu: '2' }, limits: { memory: '1Gi' } }, undefined],
    ['an empty spec.resources', {}, DEFAULTS],
  ];
  it.each(cases)('given %s, writes container defaults for the other resources only', (_w, pod, want) => {
    expect(defaulted({ ...bare, resources: pod })).toEqual(want);
  });

  it('given pod-level resources, leaves init containers and sidecars without those defaults too', () => {
    const spec: Record<string, unknown> = {
      resources: { limits: { cpu: '500m', memory: '256Mi' } },
      initContainers: [
        { name: 'i', image: 'y' },
        { name: 's', image: 'y', restartPolicy: 'Always' },
      ],
      containers: [{ name: 'a', image: 'x' }],
    };
    const before = spec['initContainers'];
    applyDefaultResources(spec, policyWith(DEFAULTS));
    expect(spec['initContainers']).toBe(before);
    expect(spec['containers']).toEqual([{ name: 'a', image: 'x' }]);
  });
});

describe('applyDefaultResources on a container', () => {
  const cases: [string, Record<string, unknown> | null, unknown][] = [
    ['no resources at all (null)', null, DEFAULTS],
    ['empty resources', {}, DEFAULTS],
    [
      'only a cpu request',
      { requests: { cpu: '250m' } },
      { requests: { cpu: '250m', memory: '128Mi' }, limits: { cpu: '1', memory: '512Mi' } },
    ],
    [
      'a memory request above the default memory limit (no limit below it)',
      { requests: { memory: '1Gi' } },
      { requests: { memory: '1Gi', cpu: '100m' }, limits: { cpu: '1' } },
    ],
    ['DRA claims', { claims: [{ name: 'gpu' }] }, { claims: [{ name: 'gpu' }], ...DEFAULTS }],
  ];
  it.each(cases)('given %s, fills in only what it lacks', (_what, resources, want) => {
    expect(defaulted({ containers: [{ name: 'a', image: 'x', resources }] })).toEqual(want);
  });

  it('never writes resources into ephemeral containers (Kubernetes forbids them there)', () => {
    const spec: Record<string, unknown> = { containers: [], ephemeralContainers: [{ name: 'debug' }] };
    const before = spec['ephemeralContainers'];
    applyDefaultResources(spec, policyWith(DEFAULTS));
    expect(spec['ephemeralContainers']).toBe(before);
    expect(spec['ephemeralContainers']).toEqual([{ name: 'debug' }]);
  });
});

describe('skippedDefaultLimits', () => {
  const skipped = (spec: Record<string, unknown>, defaults: Resources = DEFAULTS) =>
    skippedDefaultLimits(spec, policyWith(defaults));

  it('given a container whose request is above the default limit, names it, the resource and the request', () => {
    const spec = { containers: [{ name: 'app', image: 'x', resources: { requests: { cpu: '3' } } }] };
    expect(skipped(spec)).toEqual([
      {
        container: 'containers[0] "app"',
        resource: 'cpu',
        limit: '1',
        reason: { why: 'request-above', request: '3' },
      },
    ]);
  });

  it('given init and app containers with big requests, names each of them', () => {
    const big = { requests: { memory: '1Gi' } };
    const spec = {
      initContainers: [{ name: 'i', resources: big }],
      containers: [{ name: 'a', resources: big }],
    };
    expect(skipped(spec).map((s) => [s.container, s.resource, s.reason])).toEqual([
      ['initContainers[0] "i"', 'memory', { why: 'request-above', request: '1Gi' }],
      ['containers[0] "a"', 'memory', { why: 'request-above', request: '1Gi' }],
    ]);
  });

  it('given pod-level resources, names each container without a limit for them (never ephemeral ones)', () => {
    const spec = {
      resources: { requests: { cpu: '2' } },
      containers: [{ name: 'a' }, { name: 'b', resources: { limits: { cpu: '500m' } } }],
      ephemeralContainers: [{ name: 'debug' }],
    };
    expect(skipped(spec)).toEqual([
      { container: 'containers[0] "a"', resource: 'cpu', limit: '1', reason: { why: 'pod-level' } },
    ]);
  });

  it.each([
    ['a request under the default limit', { requests: { cpu: '500m' } }],
    ['a request equal to it', { requests: { cpu: '1' } }],
    ['a limit of its own above the default', { requests: { cpu: '3' }, limits: { cpu: '4' } }],
    ['a null request (the default limit is written)', { requests: { cpu: null } }],
  ])('given %s, lists nothing', (_what, resources) => {
    expect(skipped({ containers: [{ name: 'a', resources }] })).toEqual([]);
  });

  it('given no default limits, or no policy, lists nothing', () => {
    const spec = { containers: [{ name: 'a', resources: { requests: { cpu: '3' } } }] };
    expect(skipped(spec, { requests: { cpu: '100m' } })).toEqual([]);
    expect(skippedDefaultLimits(spec, undefined)).toEqual([]);
  });

  it('agrees with applyDefaultResources: what it lists is exactly what is not written', () => {
    const spec: Record<string, unknown> = {
      resources: { limits: { memory: '1Gi' } },
      containers: [
        { name: 'a', resources: { requests: { cpu: '2' } } },
        { name: 'b', resources: { requests: { cpu: '250m' } } },
      ],
    };
    const listed = skipped(spec);
    applyDefaultResources(spec, policyWith(DEFAULTS));
    const containers = spec['containers'] as { name: string; resources: { limits?: Json } }[];
    for (const container of containers) {
      for (const resource of ['cpu', 'memory']) {
        const written = container.resources.limits?.[resource] !== undefined;
        const isListed = listed.some(
          (s) => s.container.includes(`"${container.name}"`) && s.resource === resource,
        );
        expect(written).toBe(!isListed);
      }
    }
  });
});
