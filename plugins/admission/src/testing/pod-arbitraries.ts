import fc from 'fast-check';

/**
 * fast-check generators of pods for the mutation's property tests: containers with and without
 * resources (GPU ones included), user tolerations, node affinity, pull secrets and labels, in the
 * examples' department namespaces (every namespace policy and placement: dedicated, shared, GPU,
 * gateway).
 */
export const MUTATED_NAMESPACES = [
  'finance-prod',
  'finance-dev',
  'research-ml',
  'research-batch',
  'web-prod',
  'web-gateway',
] as const;

const quantities = (values: readonly string[]) =>
  fc.option(fc.dictionary(fc.constantFrom('cpu', 'memory', 'nvidia.com/gpu'), fc.constantFrom(...values)), {
    nil: undefined,
  });

export const containerArbitrary = fc.record(
  {
    name: fc.constantFrom('a', 'b'),
    image: fc.constant('img:1'),
    resources: fc.option(
      fc.record(
        { requests: quantities(['1', '100m', '2Gi', '0']), limits: quantities(['1', '4', '8Gi']) },
        { requiredKeys: [] },
      ),
      { nil: undefined },
    ),
  },
  { requiredKeys: ['name', 'image'] },
);

const termArbitrary = fc.record({
  matchExpressions: fc.array(
    fc.record({
      key: fc.constantFrom('zone', 'corral.dev/role', 'corral.dev/department'),
      operator: fc.constantFrom('In', 'NotIn', 'Exists'),
      values: fc.constantFrom(['a'], ['finance'], ['gpu', 'gateway']),
    }),
    { maxLength: 2 },
  ),
});

const affinityArbitrary = fc.oneof(
  fc.record({
    nodeAffinity: fc.record({
      requiredDuringSchedulingIgnoredDuringExecution: fc.record({
        nodeSelectorTerms: fc.array(termArbitrary, { maxLength: 3 }),
      }),
    }),
  }),
  fc.record({ podAntiAffinity: fc.constant({}) }),
);

export const podSpecArbitrary = fc.record(
  {
    containers: fc.array(containerArbitrary, { maxLength: 3 }),
    initContainers: fc.array(containerArbitrary, { maxLength: 2 }),
    ephemeralContainers: fc.array(containerArbitrary, { maxLength: 1 }),
    tolerations: fc.array(
      fc.record({
        key: fc.constantFrom('corral.dev/department', 'corral.dev/role', 'x'),
        operator: fc.constantFrom('Equal', 'Exists'),
        value: fc.constantFrom('finance', 'web', 'gateway'),
        effect: fc.constant('NoSchedule'),
      }),
      { maxLength: 2 },
    ),
    affinity: affinityArbitrary,
    imagePullSecrets: fc.array(fc.record({ name: fc.constantFrom('mine', 'harbor-finance', 'harbor-web') }), {
      maxLength: 2,
    }),
    nodeName: fc.constant('n1'),
  },
  { requiredKeys: ['containers'] },
);

/** Pod labels: none, the gateway role, or an existing department label (right or wrong). */
export const podLabelsArbitrary = fc.option(
  fc.dictionary(
    fc.constantFrom('app', 'corral.dev/role', 'corral.dev/department'),
    fc.constantFrom('gateway', 'finance', 'web', 'x'),
  ),
  { nil: undefined },
);

/** Freezes a value and everything in it, so that any write to it throws (in strict mode). */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}
