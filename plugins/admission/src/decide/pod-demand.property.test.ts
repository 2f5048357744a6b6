import { podResources, podUsage, type Usage } from '@corral/cluster';
import fc from 'fast-check';
import { demandOf } from './demand.js';
import { commonPodUsage } from './pod-demand.js';

/**
 * The one-pass usage of a common pod (pod-demand.ts) against the exact path it stands in for
 * (@corral/cluster podResources then podUsage): whenever it answers, the same keys in the same order
 * and the same amounts; and demandOf answers as the exact path alone would, whatever the pod.
 */
const exactUsage = (spec: Record<string, unknown>): Usage | string => {
  const errors: { field: string; message: string }[] = [];
  const { requests, limits } = podResources(spec, errors);
  return errors.length === 0 ? podUsage({ terminal: false, requests, limits }) : 'errors';
};

const entries = (usage: Usage | string | undefined) =>
  typeof usage === 'object' ? [...usage.entries()] : usage;

/** Quantities that parse: plain, fractional (finer than a nano too), exponents, huge, near 2^53 nanos. */
const GOOD = [
  '100m',
  '50m',
  '1',
  '2',
  '0',
  '128Mi',
  '512Mi',
  '1Gi',
  '1.5',
  '0.1n',
  '1500m',
  '1e3',
  '2E-3',
  '8Ei',
  '9Ei',
  '18446744073709551616',
  '9007199254740993n',
  '9007199254740992n',
  '9007199.254740993',
  '123456789012345678901234567890',
  ' 1Gi',
  '-1',
];
/** What the exact path refuses or reads differently: text that does not parse, numbers, other JSON. */
const BAD: unknown[] = ['', 'one', '1 Gi', 3, 0.5, 1e21, null, true, {}];
const quantity = fc.oneof(
  { weight: 40, arbitrary: fc.constantFrom(...GOOD) },
  { weight: 1, arbitrary: fc.constantFrom(...BAD) },
);
const NAMES = ['cpu', 'memory', 'ephemeral-storage', 'nvidia.com/gpu', 'hugepages-2Mi', '__proto__'];
const list = fc.dictionary(fc.constantFrom(...NAMES), quantity, { maxKeys: 4 });
/** Mostly `value`, sometimes absent, null or malformed. */
const mostly = <T>(value: fc.Arbitrary<T>) =>
  fc.oneof(
    { weight: 20, arbitrary: value },
    { weight: 1, arbitrary: fc.constantFrom<unknown>(undefined, null, 'x', []) },
  );
/** Rarely present (pod-level resources, overhead): most pods have neither. */
const rarely = <T>(value: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 8, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: value });
const resources = fc.record({ requests: mostly(list), limits: mostly(list) }, { requiredKeys: [] });
const container = fc.oneof(
  {
    weight: 40,
    arbitrary: fc.record(
      {
        name: fc.constant('c'),
        resources: mostly(resources),
        restartPolicy: fc.oneof(
          { weight: 1, arbitrary: fc.constant('Always') },
          { weight: 6, arbitrary: fc.constantFrom(undefined, 'Never', '') },
        ),
      },
      { requiredKeys: ['name'] },
    ),
  },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(null, 'x', []) },
);
const containers = fc.array(container, { maxLength: 3 });
const spec = fc.record({
  containers: mostly(containers),
  initContainers: mostly(containers),
  resources: rarely(resources),
  overhead: rarely(list),
});

describe('commonPodUsage', () => {
  it('answers, when it does, exactly as podUsage(podResources(spec)) does', () => {
    fc.assert(
      fc.property(spec, (generated) => {
        const pod = JSON.parse(JSON.stringify(generated)) as Record<string, unknown>;
        const common = commonPodUsage(pod);
        if (common !== undefined) expect(entries(common)).toEqual(entries(exactUsage(pod)));
        const demanded = demandOf('Pod', { spec: pod }, 'ns');
        const exact = exactUsage(pod);
        expect(demanded.ok ? entries(demanded.usage) : 'errors').toEqual(entries(exact));
      }),
      { numRuns: 3000 },
    );
  });

  it('takes the common pods: app and init containers with requests, limits or neither', () => {
    const pod = {
      initContainers: [{ name: 'i', resources: { requests: { cpu: '2' }, limits: { memory: '1Gi' } } }],
      containers: [
        { name: 'a', resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1' } } },
        { name: 'b', resources: { limits: { cpu: '500m', 'nvidia.com/gpu': '1' } } },
        { name: 'c' },
      ],
    };
    expect(entries(commonPodUsage(pod))).toEqual([
      ['pods', 1_000_000_000n],
      ['count/pods', 1_000_000_000n],
      ['requests.cpu', 2_000_000_000n],
      ['requests.memory', 1024n ** 3n * 1_000_000_000n],
      ['requests.nvidia.com/gpu', 1_000_000_000n],
      ['limits.cpu', 1_500_000_000n],
      ['limits.memory', 1024n ** 3n * 1_000_000_000n],
    ]);
    expect(entries(commonPodUsage(pod))).toEqual(entries(exactUsage(pod)));
  });

  it.each([
    ['a sidecar', { initContainers: [{ name: 's', restartPolicy: 'Always' }] }],
    ['pod-level resources', { containers: [], resources: { requests: { cpu: '1' } } }],
    ['overhead', { containers: [], overhead: { cpu: '1' } }],
    ['a number', { containers: [{ name: 'a', resources: { requests: { cpu: 1 } } }] }],
    ['a quantity that does not parse', { containers: [{ name: 'a', resources: { limits: { cpu: 'x' } } }] }],
    ['a list that is no map', { containers: [{ name: 'a', resources: { requests: 'x' } }] }],
    ['a container that is no object', { containers: ['x'] }],
  ])('leaves a pod with %s to the exact path', (_what, pod) => {
    expect(commonPodUsage(pod)).toBeUndefined();
  });
});
