import type { JsonObject } from './pod-spec.js';
import { missingQuotaResources, specifiedFields } from './quota-requirements.js';

const department = (hard: Record<string, string>) => ({
  kind: 'department' as const,
  name: 'research',
  hard,
});
const container = (name: string, resources?: JsonObject): JsonObject =>
  resources === undefined ? { name, image: 'x' } : { name, image: 'x', resources };
const spec = (...containers: JsonObject[]): JsonObject => ({ containers });

describe('missingQuotaResources', () => {
  const cases: [what: string, hard: Record<string, string>, spec: JsonObject, missing: string[]][] = [
    ['no requests under requests.cpu', { 'requests.cpu': '48' }, spec(container('c')), ['requests.cpu']],
    ['the cpu synonym', { cpu: '48' }, spec(container('c')), ['requests.cpu']],
    ['the memory synonym', { memory: '1Gi' }, spec(container('c')), ['requests.memory']],
    ['a request given', { 'requests.cpu': '48' }, spec(container('c', { requests: { cpu: '100m' } })), []],
    // the apiserver defaults a missing request to the limit before webhooks see the pod
    ['only a limit given', { 'requests.cpu': '48' }, spec(container('c', { limits: { cpu: '1' } })), []],
    [
      'a zero request is a request',
      { 'requests.cpu': '48' },
      spec(container('c', { requests: { cpu: '0' } })),
      [],
    ],
    [
      'a null request is none',
      { 'requests.cpu': '48' },
      spec(container('c', { requests: { cpu: null } })),
      ['requests.cpu'],
    ],
    [
      'a limit key needs the limit, a request is not enough',
      { 'limits.memory': '1Gi' },
      spec(container('c', { requests: { memory: '128Mi' } })),
      ['limits.memory'],
    ],
    [
      'every compute key, nothing set',
      { 'requests.cpu': '1', 'requests.memory': '1Gi', 'limits.cpu': '2', 'limits.memory': '2Gi' },
      spec(container('c')),
      ['requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory'],
    ],
    [
      'every compute key, limits set (requests default to them)',
      { 'requests.cpu': '1', 'requests.memory': '1Gi', 'limits.cpu': '2', 'limits.memory': '2Gi' },
      spec(container('c', { limits: { cpu: '1', memory: '1Gi' } })),
      [],
    ],
    // extended resources, storage and counts never make a container field compulsory
    [
      'gpu, storage, pods and ephemeral-storage keys',
      {
        'requests.nvidia.com/gpu': '8',
        'requests.storage': '1Ti',
        pods: '10',
        'requests.ephemeral-storage': '10Gi',
      },
      spec(container('c')),
      [],
    ],
    ['no quota keys', {}, spec(container('c')), []],
    // pod-level resources (spec.resources) are what Kubernetes counts for the resources they name
    [
      'pod-level requests and limits, containers without',
      { 'requests.cpu': '1', 'requests.memory': '1Gi', 'limits.cpu': '2', 'limits.memory': '2Gi' },
      {
        ...spec(container('c')),
        resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } },
      },
      [],
    ],
    // ResourceQuota requires nothing of the containers of a pod that sets any resource at pod level
    // (podEvaluator.Constraints, IsPodLevelResourcesSet), not even what it leaves out there.
    [
      'a pod-level cpu limit only, memory nowhere',
      { 'requests.cpu': '1', 'requests.memory': '1Gi', 'limits.memory': '2Gi' },
      { ...spec(container('c')), resources: { limits: { cpu: '1' } } },
      [],
    ],
    [
      'a pod-level hugepages request only',
      { 'requests.cpu': '1' },
      { ...spec(container('c')), resources: { requests: { 'hugepages-2Mi': '64Mi' } } },
      [],
    ],
    [
      'an empty spec.resources',
      { 'requests.cpu': '1' },
      { ...spec(container('c')), resources: { requests: {}, limits: {} } },
      ['requests.cpu'],
    ],
    [
      'only a resource Kubernetes does not take at pod level',
      { 'requests.cpu': '1' },
      { ...spec(container('c')), resources: { limits: { 'ephemeral-storage': '1Gi' } } },
      ['requests.cpu'],
    ],
  ];

  it.each(cases)('given %s, requires %j', (_what, hard, podSpec, missing) => {
    const decision = missingQuotaResources(department(hard), podSpec);
    if (missing.length === 0) {
      expect(decision).toBeUndefined();
      return;
    }
    expect(decision).toMatchObject({ rule: 'department-quota', outcome: 'fail' });
    expect(decision?.message).toContain(`the quota of department research limits ${missing.join(', ')}`);
    for (const key of missing) expect(decision?.message).toContain(`set resources.${key}`);
  });

  it('given init containers and sidecars without requests, names them; never ephemeral containers', () => {
    const podSpec: JsonObject = {
      initContainers: [container('init'), { ...container('proxy'), restartPolicy: 'Always' }],
      containers: [container('app', { requests: { cpu: '1' } }), container('worker')],
      ephemeralContainers: [container('debug')],
    };
    const decision = missingQuotaResources(department({ 'requests.cpu': '48' }), podSpec);
    expect(decision?.message).toBe(
      'the quota of department research limits requests.cpu, so every container must say how much it takes: ' +
        'set resources.requests.cpu (or resources.limits.cpu) in initContainers[0] "init", ' +
        'initContainers[1] "proxy", containers[1] "worker"; ' +
        'or ask a platform admin for a default in the NamespacePolicy',
    );
  });

  it('given a namespace quota, names the NamespacePolicy quota and its rule', () => {
    const decision = missingQuotaResources(
      { kind: 'namespace', name: 'web-prod', hard: { 'limits.cpu': '16' } },
      spec(container('app', { requests: { cpu: '1' } })),
    );
    expect(decision).toMatchObject({ rule: 'namespace-quota', outcome: 'fail' });
    expect(decision?.message).toContain('the NamespacePolicy quota of namespace web-prod limits limits.cpu');
    expect(decision?.message).toContain('set resources.limits.cpu in containers[0] "app"');
    expect(decision?.message).not.toContain('(or resources.limits');
  });

  describe('beside the NamespacePolicy defaults', () => {
    const defaults = { requests: { cpu: '100m' }, limits: { cpu: '1' } };
    const hard = { 'limits.cpu': '16', 'limits.memory': '64Gi' };

    it('given a request above the default limit (which the mutation leaves out), says to set a limit at least the request', () => {
      // The mutating webhook writes no default limit below a container's request (the pod would be
      // invalid): asking for a default would not help, the namespace has one.
      const decision = missingQuotaResources(
        department({ 'limits.cpu': '16' }),
        spec(container('app', { requests: { cpu: '3' } })),
        defaults,
      );
      expect(decision?.message).toBe(
        'the quota of department research limits limits.cpu, so every container must say how much it takes: ' +
          'set resources.limits.cpu in containers[0] "app" (at least its request: the NamespacePolicy ' +
          'default limit cpu 1 is written only into containers whose request fits under it)',
      );
    });

    it('given a field with no default, still suggests asking for one', () => {
      const decision = missingQuotaResources(
        department(hard),
        spec(container('app', { requests: { cpu: '3', memory: '1Gi' } })),
        defaults,
      );
      expect(decision?.message).toContain('default limit cpu 1');
      expect(decision?.message).toMatch(
        /set resources\.limits\.memory in containers\[0\] "app"; or ask a platform admin for a default in the NamespacePolicy$/,
      );
    });
  });

  it('given a spec without containers, has nothing to require', () => {
    expect(missingQuotaResources(department({ 'requests.cpu': '1' }), undefined)).toBeUndefined();
  });
});

describe('specifiedFields', () => {
  const bits = { 'requests.cpu': 1, 'requests.memory': 2, 'limits.cpu': 4, 'limits.memory': 8 } as const;
  const all = Object.keys(bits) as (keyof typeof bits)[];
  const mask = (fields: readonly (keyof typeof bits)[]) =>
    fields.reduce((sum, field) => sum | bits[field], 0);
  const sized = (name: string) =>
    container(name, { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } });
  const cases: [what: string, spec: JsonObject | undefined, specified: (keyof typeof bits)[]][] = [
    ['no spec', undefined, all],
    ['no containers', {}, all],
    ['every field in every container', spec(sized('a'), sized('b')), all],
    ['nothing set', spec(container('a')), []],
    [
      'requests only',
      spec(container('a', { requests: { cpu: '1', memory: '1Gi' } })),
      ['requests.cpu', 'requests.memory'],
    ],
    // the apiserver defaults a missing request to the limit
    ['limits only', spec(container('a', { limits: { cpu: '1', memory: '1Gi' } })), all],
    ['a null request', spec(container('a', { requests: { cpu: null, memory: '1Gi' } })), ['requests.memory']],
    [
      'one container lacking memory',
      spec(sized('a'), container('b', { limits: { cpu: '1' } })),
      ['requests.cpu', 'limits.cpu'],
    ],
    [
      'an init container lacking everything',
      { ...spec(sized('a')), initContainers: [container('init')] },
      [],
    ],
    [
      'an ephemeral container lacking everything',
      { ...spec(sized('a')), ephemeralContainers: [container('debug')] },
      all,
    ],
    ['a container that is not an object', spec(sized('a'), 'junk' as unknown as JsonObject), all],
    ['pod-level resources', { ...spec(container('a')), resources: { limits: { cpu: '1' } } }, all],
  ];
  it.each(cases)('given %s, returns the mask of %j', (_what, podSpec, specified) => {
    expect(specifiedFields(podSpec)).toBe(mask(specified));
  });

  it('given the mask read once, missingQuotaResources answers as when it reads the pod itself', () => {
    const podSpec = {
      ...spec(sized('a'), container('b', { requests: { cpu: '1' } })),
      initContainers: [container('i')],
    };
    const specified = specifiedFields(podSpec);
    const hards: Record<string, string>[] = [
      {},
      { 'requests.cpu': '1' },
      { 'limits.memory': '1Gi' },
      { pods: '10' },
      { cpu: '1', memory: '1Gi' },
    ];
    for (const hard of hards) {
      expect(missingQuotaResources(department(hard), podSpec, undefined, specified)).toEqual(
        missingQuotaResources(department(hard), podSpec),
      );
    }
  });
});
