import { validateDepartment, validateNamespacePolicy } from './validate-object.js';
import type { PolicyProblem } from './problem.js';

type Raw = Record<string, unknown> & { metadata: Record<string, unknown>; spec: Record<string, unknown> };

function department(): Raw {
  return {
    apiVersion: 'corral.dev/v1alpha1',
    kind: 'Department',
    metadata: { name: 'finance' },
    spec: {
      nodeIsolation: 'dedicated',
      quota: { hard: { 'requests.cpu': '64', 'requests.nvidia.com/gpu': 8, pods: '500' } },
      images: { allowedRegistries: ['harbor.example.com/finance/'] },
      storage: { pool: 'rbd', radosNamespace: 'finance' },
    },
  };
}

function policy(): Raw {
  return {
    apiVersion: 'corral.dev/v1alpha1',
    kind: 'NamespacePolicy',
    metadata: { name: 'policy', namespace: 'finance-prod' },
    spec: {
      enforcement: 'warn',
      defaults: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '512Mi' } },
      quota: { hard: { 'requests.cpu': '16' } },
      images: {
        allowedRegistries: ['harbor.example.com/finance/payments/'],
        pullSecrets: ['harbor-finance'],
      },
      scheduling: {
        spread: [{ labelKey: 'app', topologyKey: 'kubernetes.io/hostname', maxPerDomain: 1 }],
        colocate: [{ selector: { matchLabels: { app: 'redis' } }, weight: 5 }],
      },
    },
  };
}

function problemsOf(result: { ok: true } | { ok: false; problems: PolicyProblem[] }): PolicyProblem[] {
  return result.ok ? [] : result.problems;
}

describe('validateDepartment', () => {
  it('given a valid Department, returns ok with the object as written', () => {
    const obj = department();
    const result = validateDepartment(obj);
    expect(result).toEqual({ ok: true, value: obj });
    expect(result.ok && result.value).toBe(obj);
    expect(obj.spec).not.toHaveProperty('enforcement');
  });

  it('given every ResourceQuota key of pods and claims, returns ok', () => {
    const obj = department();
    obj.spec.quota = {
      hard: {
        'ephemeral-storage': '100Gi',
        'count/pods': 100,
        'count/persistentvolumeclaims': '20',
        'hugepages-2Mi': '1Gi',
        'requests.hugepages-1Gi': '4Gi',
        'gold.storageclass.storage.k8s.io/requests.storage': '1.5Ti',
        'gold.storageclass.storage.k8s.io/persistentvolumeclaims': 10,
        'ceph-rbd.storageclass.storage.k8s.io/requests.storage': '500Gi',
        [`${'c'.repeat(225)}.storageclass.storage.k8s.io/persistentvolumeclaims`]: 1,
      },
    };
    expect(problemsOf(validateDepartment(obj))).toEqual([]);
    const pol = policy();
    pol.spec.quota = obj.spec.quota;
    expect(problemsOf(validateNamespacePolicy(pol))).toEqual([]);
  });

  const broken: [name: string, change: (obj: Raw) => void, field: string, message: RegExp][] = [
    ['an unknown spec field', (o) => (o.spec.foo = 1), '/spec/foo', /^unknown field 'foo'$/],
    ['an unknown top-level field', (o) => (o.extra = {}), '/extra', /^unknown field 'extra'$/],
    [
      'a wrong enum',
      (o) => (o.spec.nodeIsolation = 'private'),
      '/spec/nodeIsolation',
      /^must be one of dedicated, shared, got "private"$/,
    ],
    [
      'a wrong apiVersion',
      (o) => (o.apiVersion = 'corral.dev/v1'),
      '/apiVersion',
      /^must be "corral.dev\/v1alpha1", got "corral.dev\/v1"$/,
    ],
    ['a wrong kind', (o) => (o.kind = 'Dept'), '/kind', /^must be "Department"/],
    [
      'no metadata.name',
      (o) => delete o.metadata.name,
      '/metadata/name',
      /^required field 'name' is missing$/,
    ],
    [
      'no spec',
      (o) => delete (o as Record<string, unknown>).spec,
      '/spec',
      /^required field 'spec' is missing$/,
    ],
    [
      'spec not an object',
      (o) => ((o as Record<string, unknown>).spec = []),
      '/spec',
      /^must be an object, got a list$/,
    ],
    ['a namespace', (o) => (o.metadata.namespace = 'x'), '/metadata/namespace', /cluster-scoped/],
    [
      'a name unusable as a label value',
      (o) => (o.metadata.name = 'a'.repeat(64)),
      '/metadata/name',
      /label value/,
    ],
    [
      'a bad quantity string',
      (o) => (o.spec.quota = { hard: { cpu: '1GB' } }),
      '/spec/quota/hard/cpu',
      /^invalid quantity "1GB"/,
    ],
    [
      'a quantity too long for the parser',
      (o) => (o.spec.quota = { hard: { cpu: '1'.repeat(70) } }),
      '/spec/quota/hard/cpu',
      /invalid quantity "1{70}": longer than 64/,
    ],
    [
      'a fractional number',
      (o) => (o.spec.quota = { hard: { cpu: 0.5 } }),
      '/spec/quota/hard/cpu',
      /quote it: "0.5"/,
    ],
    [
      'a negative integer',
      (o) => (o.spec.quota = { hard: { pods: -1 } }),
      '/spec/quota/hard/pods',
      /^must not be negative, got -1$/,
    ],
    [
      'a negative string',
      (o) => (o.spec.quota = { hard: { pods: '-1' } }),
      '/spec/quota/hard/pods',
      /^must not be negative, got "-1"$/,
    ],
    [
      'a quantity of the wrong type',
      (o) => (o.spec.quota = { hard: { pods: true } }),
      '/spec/quota/hard/pods',
      /^must be a quantity such as 100m or 1.5Gi, got true$/,
    ],
    [
      'an unknown quota key',
      (o) => (o.spec.quota = { hard: { gpu: '1' } }),
      '/spec/quota/hard/gpu',
      /^unknown quota key 'gpu'/,
    ],
    [
      'a limits.* extended quota key',
      (o) => (o.spec.quota = { hard: { 'limits.nvidia.com/gpu': '1' } }),
      '/spec/quota/hard/limits.nvidia.com~1gpu',
      /unknown quota key 'limits.nvidia.com\/gpu'/,
    ],
    [
      'a per-StorageClass quota key with an upper-case class',
      (o) => (o.spec.quota = { hard: { 'Gold.storageclass.storage.k8s.io/requests.storage': '1Ti' } }),
      '/spec/quota/hard/Gold.storageclass.storage.k8s.io~1requests.storage',
      /names StorageClass 'Gold', which is no StorageClass name: write the class as a DNS subdomain/,
    ],
    [
      'a fractional per-StorageClass claim count',
      (o) => (o.spec.quota = { hard: { 'gold.storageclass.storage.k8s.io/persistentvolumeclaims': '2.5' } }),
      '/spec/quota/hard/gold.storageclass.storage.k8s.io~1persistentvolumeclaims',
      /counted in whole units: write a whole number, got "2.5"/,
    ],
    [
      'a fractional count/pods',
      (o) => (o.spec.quota = { hard: { 'count/pods': '10500m' } }),
      '/spec/quota/hard/count~1pods',
      /^count\/pods is counted in whole units/,
    ],
    [
      'an object count Corral does not review',
      (o) => (o.spec.quota = { hard: { 'count/secrets': '10' } }),
      '/spec/quota/hard/count~1secrets',
      /use count\/pods or count\/persistentvolumeclaims/,
    ],
    [
      'a quota without hard',
      (o) => (o.spec.quota = {}),
      '/spec/quota/hard',
      /^required field 'hard' is missing$/,
    ],
    [
      'an upper-case registry',
      (o) => (o.spec.images = { allowedRegistries: ['Harbor.example.com/'] }),
      '/spec/images/allowedRegistries/0',
      /like harbor.example.com\/finance\/, got "Harbor.example.com\/"$/,
    ],
    [
      'a duplicate registry',
      (o) => (o.spec.images = { allowedRegistries: ['h.io/a', 'h.io/a/'] }),
      '/spec/images/allowedRegistries/1',
      /^"h.io\/a\/" repeats entry 0; remove one$/,
    ],
    [
      'a null list',
      (o) => (o.spec.images = { allowedRegistries: null }),
      '/spec/images/allowedRegistries',
      /^must be a list, got null$/,
    ],
    [
      'storage without a pool',
      (o) => (o.spec.storage = { radosNamespace: 'x' }),
      '/spec/storage/pool',
      /^required field 'pool' is missing$/,
    ],
    ['an empty pool', (o) => (o.spec.storage = { pool: '' }), '/spec/storage/pool', /^must not be empty$/],
    [
      // librados reads the name as a C string: "rbd\0hr" is pool rbd, under a name no conflict check sees
      'a pool with a NUL byte',
      (o) => (o.spec.storage = { pool: 'rbd\u0000hr', radosNamespace: 'finance' }),
      '/spec/storage/pool',
      /^must be a Ceph pool name without control characters \(librados reads it up to a NUL byte/,
    ],
    [
      'a pool with a line break',
      (o) => (o.spec.storage = { pool: 'rbd\n' }),
      '/spec/storage/pool',
      /^must be a Ceph pool name without control characters/,
    ],
    [
      'a bad rados namespace',
      (o) => (o.spec.storage = { pool: 'rbd', radosNamespace: 'a b' }),
      '/spec/storage/radosNamespace',
      /^may contain only letters/,
    ],
    [
      'an empty namespaceSelector',
      (o) => (o.spec.namespaceSelector = {}),
      '/spec/namespaceSelector',
      /selects every namespace/,
    ],
    [
      'a namespaceSelector with only negative terms',
      (o) =>
        (o.spec.namespaceSelector = {
          matchExpressions: [
            { key: 'team', operator: 'NotIn', values: ['hr'] },
            { key: 'tier', operator: 'DoesNotExist' },
          ],
        }),
      '/spec/namespaceSelector',
      /^a namespaceSelector with only NotIn\/DoesNotExist terms selects every namespace without those labels, kube-system included/,
    ],
    [
      'a matchLabels key with a space',
      (o) => (o.spec.namespaceSelector = { matchLabels: { 'bad key': 'x' } }),
      '/spec/namespaceSelector/matchLabels/bad key',
      /^label key "bad key": the name part must be 1 to 63 characters/,
    ],
    [
      'a matchLabels key with an upper-case prefix',
      (o) => (o.spec.namespaceSelector = { matchLabels: { 'Example.com/team': 'x' } }),
      '/spec/namespaceSelector/matchLabels/Example.com~1team',
      /^label key prefix "Example.com" must be a lower-case DNS subdomain/,
    ],
    [
      'a matchLabels key with two slashes',
      (o) => (o.spec.namespaceSelector = { matchLabels: { 'a/b/c': 'x' } }),
      '/spec/namespaceSelector/matchLabels/a~1b~1c',
      /at most one '\/'/,
    ],
    [
      'a matchLabels key with a 64-character name',
      (o) => (o.spec.namespaceSelector = { matchLabels: { [`example.com/${'a'.repeat(64)}`]: 'x' } }),
      `/spec/namespaceSelector/matchLabels/example.com~1${'a'.repeat(64)}`,
      /the name part must be 1 to 63 characters/,
    ],
    [
      'a matchLabels value ending in a dash',
      (o) => (o.spec.namespaceSelector = { matchLabels: { team: 'x-' } }),
      '/spec/namespaceSelector/matchLabels/team',
      /^label value "x-" must be empty or at most 63 characters/,
    ],
    [
      'a matchExpressions key with a space',
      (o) => (o.spec.namespaceSelector = { matchExpressions: [{ key: 'a b', operator: 'Exists' }] }),
      '/spec/namespaceSelector/matchExpressions/0/key',
      /^label key "a b"/,
    ],
    [
      'a matchExpressions value with a space',
      (o) =>
        (o.spec.namespaceSelector = {
          matchExpressions: [{ key: 'team', operator: 'In', values: ['ok', 'a b'] }],
        }),
      '/spec/namespaceSelector/matchExpressions/0/values/1',
      /^label value "a b"/,
    ],
    [
      'a registry without a host',
      (o) => (o.spec.images = { allowedRegistries: ['bitnami/'] }),
      '/spec/images/allowedRegistries/0',
      /^"bitnami\/" does not start with a registry host .*so write "docker.io\/bitnami\/"$/,
    ],
    [
      'In without values',
      (o) => (o.spec.namespaceSelector = { matchExpressions: [{ key: 'a', operator: 'In' }] }),
      '/spec/namespaceSelector/matchExpressions/0',
      /^operator In needs values$/,
    ],
    [
      'Exists with values',
      (o) =>
        (o.spec.namespaceSelector = { matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] }),
      '/spec/namespaceSelector/matchExpressions/0',
      /^operator Exists takes no values$/,
    ],
    [
      'a bad operator',
      (o) => (o.spec.namespaceSelector = { matchExpressions: [{ key: 'a', operator: 'in' }] }),
      '/spec/namespaceSelector/matchExpressions/0/operator',
      /^must be one of In, NotIn, Exists, DoesNotExist, got "in"$/,
    ],
    [
      'a name in upper case (kube-apiserver refuses it)',
      (o) => (o.metadata.name = 'Finance'),
      '/metadata/name',
      /^must be a lower-case DNS subdomain .*got "Finance"$/,
    ],
    [
      "a name with '_' (kube-apiserver refuses it)",
      (o) => (o.metadata.name = 'fin_ance'),
      '/metadata/name',
      /^must be a lower-case DNS subdomain/,
    ],
    [
      'a fractional pods quota',
      (o) => (o.spec.quota = { hard: { pods: '2.5' } }),
      '/spec/quota/hard/pods',
      /^pods is counted in whole units: write a whole number, got "2.5"$/,
    ],
    [
      'a fractional GPU quota',
      (o) => (o.spec.quota = { hard: { 'requests.nvidia.com/gpu': '500m' } }),
      '/spec/quota/hard/requests.nvidia.com~1gpu',
      /^requests.nvidia.com\/gpu is counted in whole units: write a whole number, got "500m"$/,
    ],
  ];

  it.each(broken)('given %s, reports it at the right field', (_name, change, field, message) => {
    const obj = department();
    change(obj);
    const problems = problemsOf(validateDepartment(obj, 'depts.yaml'));
    const match = problems.find((problem) => problem.field === field);
    expect(match, JSON.stringify(problems, null, 2)).toBeDefined();
    expect(match?.message).toMatch(message);
    expect(match).toMatchObject({ source: 'depts.yaml', kind: 'Department' });
  });

  it('given a status Corral could never read (its own sums, past the quantity limits), still accepts the Department', () => {
    // Written through the status subresource, which no webhook sees; the API server stores any
    // quantity text, and a Department dropped for its status would lose its enforcement at the next start.
    const obj = department();
    obj.status = {
      used: { 'requests.example.com/foo': '1'.padEnd(65, '0'), 'requests.cpu': '1e102' },
      phase: 'x',
    };
    const result = validateDepartment(obj);
    expect(result).toEqual({ ok: true, value: obj });
    expect(result.ok && result.value).toBe(obj);
  });

  it('given many mistakes, reports every one of them, each once', () => {
    const obj = department();
    obj.spec.foo = 1;
    obj.spec.nodeIsolation = 'x';
    obj.spec.quota = { hard: { cpu: 'abc', gpu: '1' } };
    const problems = problemsOf(validateDepartment(obj));
    expect(problems.map((problem) => problem.field)).toEqual([
      '/spec/foo',
      '/spec/nodeIsolation',
      '/spec/quota/hard/cpu',
      '/spec/quota/hard/gpu',
    ]);
  });

  it('given a non-object, reports it without crashing', () => {
    for (const input of [null, undefined, 'x', 42, []]) {
      const problems = problemsOf(validateDepartment(input));
      expect(problems[0]).toMatchObject({ kind: 'Department', name: '<unnamed>', field: '' });
    }
  });

  it('given malformed parts, runs the semantic checks on the sound parts only', () => {
    const obj = department();
    obj.metadata = null as unknown as Record<string, unknown>;
    obj.spec.quota = { hard: null };
    obj.spec.images = { allowedRegistries: [1, 'h.io/a', 'h.io/a'] };
    const problems = problemsOf(validateDepartment(obj));
    expect(problems.map((problem) => problem.field)).toEqual([
      '/metadata',
      '/spec/quota/hard',
      '/spec/images/allowedRegistries/0',
      '/spec/images/allowedRegistries/2',
    ]);
  });

  it('given a missing required field, reports it once', () => {
    const obj = department();
    delete obj.metadata.name;
    expect(problemsOf(validateDepartment(obj))).toEqual([
      {
        kind: 'Department',
        name: '<unnamed>',
        field: '/metadata/name',
        message: "required field 'name' is missing",
      },
    ]);
  });
});

describe('validateNamespacePolicy', () => {
  it('given a valid NamespacePolicy, returns ok with the object as written', () => {
    const obj = policy();
    expect(validateNamespacePolicy(obj)).toEqual({ ok: true, value: obj });
  });
  it('given a status (written by Corral through the status subresource), accepts the policy and keeps it', () => {
    // Whatever the status holds, even what Corral would not write, never decides the policy's validity.
    const obj = policy();
    obj.status = {
      conditions: [{ type: 'Valid', status: 'True', lastTransitionTime: '2030-01-02T03:04:05Z' }],
      phase: 'x',
    };
    const result = validateNamespacePolicy(obj);
    expect(result).toEqual({ ok: true, value: obj });
    expect(result.ok && result.value).toBe(obj);
  });
  it('given defaults pods could not take (a GPU request without a limit), still loads the policy (refused on write only)', () => {
    const obj = policy();
    obj.spec.defaults = { requests: { 'nvidia.com/gpu': '1' } };
    expect(validateNamespacePolicy(obj).ok).toBe(true);
  });

  const broken: [name: string, change: (obj: Raw) => void, field: string, message: RegExp][] = [
    [
      'no namespace',
      (o) => delete o.metadata.namespace,
      '/metadata/namespace',
      /namespaced: set metadata.namespace/,
    ],
    [
      'a wrong enforcement',
      (o) => (o.spec.enforcement = 'block'),
      '/spec/enforcement',
      /^must be one of enforce, warn, audit, got "block"$/,
    ],
    [
      'an unknown images field',
      (o) => (o.spec.images = { allowRegistries: [] }),
      '/spec/images/allowRegistries',
      /^unknown field 'allowRegistries'$/,
    ],
    [
      'a request over its limit',
      (o) => (o.spec.defaults = { requests: { cpu: '2' }, limits: { cpu: '1500m' } }),
      '/spec/defaults/requests/cpu',
      /^the default request for cpu \(2\) exceeds its default limit \(1500m\)$/,
    ],
    [
      'an unknown default resource',
      (o) => (o.spec.defaults = { requests: { gpu: '1' } }),
      '/spec/defaults/requests/gpu',
      /^unknown resource 'gpu'/,
    ],
    [
      'a quota key as a default',
      (o) => (o.spec.defaults = { limits: { 'limits.cpu': '1' } }),
      '/spec/defaults/limits/limits.cpu',
      /^unknown resource 'limits.cpu'/,
    ],
    [
      'a bad default quantity',
      (o) => (o.spec.defaults = { limits: { memory: '1 Gi' } }),
      '/spec/defaults/limits/memory',
      /^invalid quantity "1 Gi"/,
    ],
    [
      'a bad quota key',
      (o) => (o.spec.quota = { hard: { 'requests.gpu': '1' } }),
      '/spec/quota/hard/requests.gpu',
      /^unknown quota key 'requests.gpu'/,
    ],
    [
      'a duplicate denied prefix',
      (o) => (o.spec.images = { deniedRegistries: ['h.io/x', 'h.io/x/'] }),
      '/spec/images/deniedRegistries/1',
      /repeats entry 0/,
    ],
    [
      'a duplicate pull secret',
      (o) => (o.spec.images = { pullSecrets: ['a', 'b', 'a'] }),
      '/spec/images/pullSecrets/2',
      /^"a" repeats entry 0/,
    ],
    [
      'an allowed prefix that is denied',
      (o) => (o.spec.images = { allowedRegistries: ['h.io/a/b/'], deniedRegistries: ['h.io/a'] }),
      '/spec/images/allowedRegistries/0',
      /allows nothing: deniedRegistries has "h.io\/a"/,
    ],
    [
      'a duplicate spread rule',
      (o) =>
        (o.spec.scheduling = {
          spread: [
            { labelKey: 'app', topologyKey: 'zone', maxPerDomain: 1 },
            { labelKey: 'app', topologyKey: 'zone', maxPerDomain: 3 },
          ],
        }),
      '/spec/scheduling/spread/1',
      /^spread rule \(labelKey app, topologyKey zone\) repeats entry 0/,
    ],
    [
      'maxPerDomain 0',
      (o) => (o.spec.scheduling = { spread: [{ labelKey: 'app', topologyKey: 'zone', maxPerDomain: 0 }] }),
      '/spec/scheduling/spread/0/maxPerDomain',
      /^must be at least 1, got 0$/,
    ],
    [
      'a weight over 100',
      (o) => (o.spec.scheduling = { colocate: [{ selector: {}, weight: 101 }] }),
      '/spec/scheduling/colocate/0/weight',
      /^must be at most 100, got 101$/,
    ],
    [
      'a fractional weight',
      (o) => (o.spec.scheduling = { colocate: [{ selector: {}, weight: 1.5 }] }),
      '/spec/scheduling/colocate/0/weight',
      /^must be a whole number, got 1.5$/,
    ],
    [
      'a colocate selector without values',
      (o) =>
        (o.spec.scheduling = {
          colocate: [{ selector: { matchExpressions: [{ key: 'a', operator: 'NotIn' }] }, weight: 1 }],
        }),
      '/spec/scheduling/colocate/0/selector/matchExpressions/0',
      /^operator NotIn needs values$/,
    ],
    [
      'a colocate selector with a bad label key',
      (o) =>
        (o.spec.scheduling = { colocate: [{ selector: { matchLabels: { '-app': 'redis' } }, weight: 1 }] }),
      '/spec/scheduling/colocate/0/selector/matchLabels/-app',
      /^label key "-app"/,
    ],
    [
      'a denied registry without a host',
      (o) => (o.spec.images = { deniedRegistries: ['harbor.example.com/x/', 'evil/'] }),
      '/spec/images/deniedRegistries/1',
      /^"evil\/" does not start with a registry host \(one with a '.' or a ':', or localhost\); an image without one is on Docker Hub, so write "docker.io\/evil\/"$/,
    ],
    [
      'a registry port above 65535',
      (o) => (o.spec.images = { allowedRegistries: ['harbor.example.com:99999/x/'] }),
      '/spec/images/allowedRegistries/0',
      /^"harbor.example.com:99999\/x\/": the registry port must be a number from 1 to 65535, got "99999"$/,
    ],
    [
      'a registry port 0',
      (o) => (o.spec.images = { deniedRegistries: ['harbor.example.com:0/'] }),
      '/spec/images/deniedRegistries/0',
      /port must be a number from 1 to 65535, got "0"$/,
    ],
    [
      'a string boolean',
      (o) => (o.spec.images = { forbidLatestTag: 'yes' }),
      '/spec/images/forbidLatestTag',
      /^must be true or false, got "yes"$/,
    ],
    [
      'a pull secret no Secret could be named (it would never be found)',
      (o) => (o.spec.images = { pullSecrets: ['Harbor_Finance'] }),
      '/spec/images/pullSecrets/0',
      /^must be a lower-case DNS subdomain .*got "Harbor_Finance"$/,
    ],
    [
      'a plain number past 2^53 (JavaScript would change its value)',
      (o) => (o.spec.quota = { hard: { 'requests.memory': JSON.parse('9007199254740993') as number } }),
      '/spec/quota/hard/requests.memory',
      /^a plain number above 9007199254740991 loses digits when read \(got 9007199254740992\); quote it/,
    ],
    [
      'a fractional persistentvolumeclaims quota',
      (o) => (o.spec.quota = { hard: { persistentvolumeclaims: '1500m' } }),
      '/spec/quota/hard/persistentvolumeclaims',
      /^persistentvolumeclaims is counted in whole units: write a whole number, got "1500m"$/,
    ],
  ];

  it.each([
    ['name', 'Policy_1', /^must be a lower-case DNS subdomain .*got "Policy_1"$/],
    ['namespace', 'Finance-Prod', /^must be a namespace name: .*got "Finance-Prod"$/],
    ['namespace', 'finance.prod', /^must be a namespace name: /],
  ])('given a metadata.%s kube-apiserver refuses (%s), reports it', (field, value, message) => {
    const obj = policy();
    obj.metadata[field] = value;
    const problems = problemsOf(validateNamespacePolicy(obj));
    expect(problems).toEqual([
      expect.objectContaining({ field: `/metadata/${field}`, message: expect.stringMatching(message) }),
    ]);
  });

  it('given whole-unit quotas written as decimals or exponents, accepts them', () => {
    const obj = policy();
    obj.spec.quota = {
      hard: { pods: '1e3', persistentvolumeclaims: '2.0', 'requests.nvidia.com/gpu': '2k' },
    };
    expect(problemsOf(validateNamespacePolicy(obj))).toEqual([]);
  });

  it.each(broken)('given %s, reports it at the right field', (_name, change, field, message) => {
    const obj = policy();
    change(obj);
    const problems = problemsOf(validateNamespacePolicy(obj, 'cluster'));
    const match = problems.find((problem) => problem.field === field);
    expect(match, JSON.stringify(problems, null, 2)).toBeDefined();
    expect(match?.message).toMatch(message);
    expect(match).toMatchObject({ source: 'cluster', kind: 'NamespacePolicy', name: 'policy' });
  });

  it('given a problem, names the namespace of the object', () => {
    const obj = policy();
    obj.spec.enforcement = 'x';
    expect(problemsOf(validateNamespacePolicy(obj))[0]).toMatchObject({
      namespace: 'finance-prod',
      name: 'policy',
    });
  });

  it('given a null colocate entry, reports it and still checks the others', () => {
    const obj = policy();
    obj.spec.scheduling = {
      colocate: [null, { selector: { matchExpressions: [{ key: 'a', operator: 'In' }] }, weight: 1 }],
    };
    expect(problemsOf(validateNamespacePolicy(obj)).map((problem) => problem.field)).toEqual([
      '/spec/scheduling/colocate/0',
      '/spec/scheduling/colocate/1/selector/matchExpressions/0',
    ]);
  });
});
