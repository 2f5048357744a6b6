import fc from 'fast-check';

/**
 * fast-check generators for the mutate-then-validate properties: random Department and
 * NamespacePolicy settings (isolation, defaults, quotas the defaults can satisfy, pull secrets),
 * pods with user-written placement of every shape (required terms with matchExpressions and
 * matchFields, several terms, empty and null terms, preferred terms, tolerations with and without a
 * key), and nodes to match them against.
 */
export const DEPARTMENT = 'dept';
export const NAMESPACE = 'team';
export const IMAGE = 'harbor.example.com/dept/app:1';

type Json = Record<string, unknown>;

const defaultsArbitrary = fc.record(
  {
    requests: fc.record(
      { cpu: fc.constantFrom('100m', '250m'), memory: fc.constant('128Mi') },
      { requiredKeys: [] },
    ),
    limits: fc.record(
      { cpu: fc.constantFrom('500m', '1'), memory: fc.constantFrom('256Mi', '1Gi') },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: [] },
);

type Defaults = { requests?: Json; limits?: Json };

/** Quota keys whose container fields the defaults supply (so a quota never refuses a defaulted pod). */
function suppliedKeys(defaults: Defaults | undefined): string[] {
  const has = (list: 'requests' | 'limits', name: string) => defaults?.[list]?.[name] !== undefined;
  const keys = ['pods', 'requests.nvidia.com/gpu', 'requests.storage'];
  if (has('requests', 'cpu') || has('limits', 'cpu')) keys.push('requests.cpu', 'cpu');
  if (has('requests', 'memory') || has('limits', 'memory')) keys.push('requests.memory', 'memory');
  if (has('limits', 'cpu')) keys.push('limits.cpu');
  if (has('limits', 'memory')) keys.push('limits.memory');
  return keys;
}

const hugeAmount = (key: string) => (key.includes('memory') || key.includes('storage') ? '1000Ti' : '100000');

const quotaArbitrary = (defaults: Defaults | undefined) =>
  fc
    .subarray(suppliedKeys(defaults))
    .map((keys) =>
      keys.length === 0 ? undefined : { hard: Object.fromEntries(keys.map((k) => [k, hugeAmount(k)])) },
    );

export interface PolicySettings {
  /** The namespace's department (undefined: a namespace of no department, with a NamespacePolicy). */
  readonly isolation: 'dedicated' | 'shared' | 'default' | undefined;
  readonly department: Json;
  readonly policy: Json;
}

/** A Department (or none for the namespace) and the namespace's NamespacePolicy, both valid. */
export const policySettingsArbitrary: fc.Arbitrary<PolicySettings> = fc
  .record({
    isolation: fc.constantFrom('dedicated', 'shared', 'default', undefined),
    defaults: fc.option(defaultsArbitrary, { nil: undefined }),
    pullSecrets: fc.option(fc.subarray(['harbor-dept', 'mine', 'other']), { nil: undefined }),
  })
  .chain(({ isolation, defaults, pullSecrets }) =>
    fc
      .record({ departmentQuota: quotaArbitrary(defaults), namespaceQuota: quotaArbitrary(defaults) })
      .map((q) => ({
        isolation,
        department: {
          ...(isolation === 'dedicated' || isolation === 'shared' ? { nodeIsolation: isolation } : {}),
          images: { allowedRegistries: ['harbor.example.com/dept/'] },
          ...(q.departmentQuota ? { quota: q.departmentQuota } : {}),
        },
        policy: {
          enforcement: 'enforce',
          ...(defaults ? { defaults } : {}),
          ...(q.namespaceQuota ? { quota: q.namespaceQuota } : {}),
          images: {
            allowedRegistries: ['harbor.example.com/dept/'],
            ...(pullSecrets ? { pullSecrets } : {}),
          },
        },
      })),
  );

/** Requests at or under every default limit; limits at or above every default request. */
const resourcesArbitrary = fc.record(
  {
    requests: fc.record(
      { cpu: fc.constantFrom('50m', '100m'), memory: fc.constant('64Mi') },
      { requiredKeys: [] },
    ),
    limits: fc.record({ cpu: fc.constantFrom('1', '2'), memory: fc.constant('2Gi') }, { requiredKeys: [] }),
  },
  { requiredKeys: [] },
);

const gpuResources = fc.constant({ requests: { 'nvidia.com/gpu': '1' }, limits: { 'nvidia.com/gpu': '1' } });

const containerArbitrary = fc.record(
  {
    name: fc.constantFrom('a', 'b', 'c'),
    image: fc.constant(IMAGE),
    resources: fc.oneof(resourcesArbitrary, gpuResources),
  },
  { requiredKeys: ['name', 'image'] },
);

const KEYS = ['zone', 'corral.dev/department', 'corral.dev/role'] as const;
const VALUES = [['a'], ['a', 'b'], [DEPARTMENT], ['other'], ['gpu'], ['gateway'], ['gpu', 'gateway']];

const expressionArbitrary = fc.oneof(
  fc.record({
    key: fc.constantFrom(...KEYS),
    operator: fc.constantFrom('In', 'NotIn'),
    values: fc.constantFrom(...VALUES),
  }),
  fc.record({ key: fc.constantFrom(...KEYS), operator: fc.constantFrom('Exists', 'DoesNotExist') }),
);

const fieldArbitrary = fc.record({
  key: fc.constant('metadata.name'),
  operator: fc.constantFrom('In', 'NotIn'),
  values: fc.constantFrom(['n1'], ['n2'], ['n1', 'n2']),
});

const termArbitrary = fc.oneof(
  fc.record(
    {
      matchExpressions: fc.array(expressionArbitrary, { maxLength: 3 }),
      matchFields: fc.array(fieldArbitrary, { maxLength: 1 }),
    },
    { requiredKeys: [] },
  ),
  fc.constant(null),
);

const nodeAffinityArbitrary = fc.record(
  {
    requiredDuringSchedulingIgnoredDuringExecution: fc.record({
      nodeSelectorTerms: fc.array(termArbitrary, { minLength: 1, maxLength: 3 }),
    }),
    preferredDuringSchedulingIgnoredDuringExecution: fc.array(
      fc.record({
        weight: fc.integer({ min: 1, max: 100 }),
        preference: fc.record({ matchExpressions: fc.array(expressionArbitrary, { maxLength: 2 }) }),
      }),
      { maxLength: 2 },
    ),
  },
  { requiredKeys: [] },
);

const tolerationArbitrary = fc.oneof(
  fc.constant({ operator: 'Exists' }),
  fc.record(
    {
      key: fc.constantFrom('corral.dev/department', 'corral.dev/role', 'nvidia.com/gpu', 'x'),
      operator: fc.constantFrom('Equal', 'Exists'),
      value: fc.constantFrom(DEPARTMENT, 'gpu', 'gateway', ''),
      effect: fc.constantFrom('NoSchedule', 'PreferNoSchedule', ''),
    },
    { requiredKeys: ['key'] },
  ),
  fc.record({
    key: fc.constant('x'),
    operator: fc.constant('Exists'),
    effect: fc.constant('NoExecute'),
    tolerationSeconds: fc.nat(600),
  }),
);

/** A pod spec as a tenant may write it for CREATE (no nodeName, no ephemeral containers). */
export const placedPodSpecArbitrary = fc.record(
  {
    containers: fc.array(containerArbitrary, { minLength: 1, maxLength: 3 }),
    initContainers: fc.array(containerArbitrary, { maxLength: 2 }),
    resources: fc.record(
      { requests: fc.constant({ cpu: '1' }), limits: fc.constant({ cpu: '2' }) },
      { requiredKeys: [] },
    ),
    affinity: fc.record(
      { nodeAffinity: nodeAffinityArbitrary, podAntiAffinity: fc.constant({}) },
      { requiredKeys: [] },
    ),
    tolerations: fc.array(tolerationArbitrary, { maxLength: 3 }),
    imagePullSecrets: fc.array(fc.record({ name: fc.constantFrom('mine', 'harbor-dept') }), { maxLength: 2 }),
    nodeSelector: fc.constant({ zone: 'a' }),
    schedulerName: fc.constant('default-scheduler'),
  },
  { requiredKeys: ['containers'] },
);

export const placedPodLabelsArbitrary = fc.dictionary(
  fc.constantFrom('app', 'corral.dev/role', 'corral.dev/department'),
  fc.constantFrom('gateway', DEPARTMENT, 'other', 'x'),
);

export interface NodeShape {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** Nodes whose labels the generated terms and Corral's requirements talk about. */
export const nodeArbitrary: fc.Arbitrary<NodeShape> = fc.record({
  name: fc.constantFrom('n1', 'n2', 'n3'),
  labels: fc.record(
    {
      zone: fc.constantFrom('a', 'b'),
      'corral.dev/department': fc.constantFrom(DEPARTMENT, 'other'),
      'corral.dev/role': fc.constantFrom('gpu', 'gateway', 'web'),
    },
    { requiredKeys: [] },
  ),
});
