import { rawNamespace, rawNamespacePolicy, SnapshotStore } from '@corral/cluster';
import type { NamespacePolicy } from '@corral/policy';
import { applyDefaultResources } from './default-resources.js';

type Resources = Record<string, Record<string, string>>;

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
