import type { FieldError } from './object-ref.js';
import { podResources } from './pod-resources.js';

const GI = 1024n ** 3n * 1_000_000_000n;
const container = (requests?: object, limits?: object, restartPolicy?: string) => ({
  name: 'c',
  ...(restartPolicy ? { restartPolicy } : {}),
  resources: { ...(requests ? { requests } : {}), ...(limits ? { limits } : {}) },
});

describe('podResources', () => {
  const cases: {
    name: string;
    spec: Record<string, unknown>;
    requests: Record<string, bigint>;
    limits?: Record<string, bigint>;
  }[] = [
    {
      name: 'given one container, returns its requests',
      spec: { containers: [container({ cpu: '100m' })] },
      requests: { cpu: 100_000_000n },
    },
    {
      name: 'given two containers, returns the sum',
      spec: { containers: [container({ cpu: '100m', memory: '1Gi' }), container({ cpu: '250m' })] },
      requests: { cpu: 350_000_000n, memory: GI },
    },
    {
      name: 'given an init container larger than the sum, returns the init container per resource',
      spec: {
        containers: [container({ cpu: '1', memory: '1Gi' })],
        initContainers: [container({ cpu: '2' })],
      },
      requests: { cpu: 2_000_000_000n, memory: GI },
    },
    {
      name: 'given a limit without request, defaults the request to the limit',
      spec: {
        containers: [
          container(undefined, { cpu: '500m', memory: '1Gi' }),
          container({ cpu: '100m' }, { cpu: '1' }),
        ],
      },
      requests: { cpu: 600_000_000n, memory: GI },
      limits: { cpu: 1_500_000_000n, memory: GI },
    },
    {
      name: 'given a sidecar, adds it to the sum and to later init containers',
      spec: {
        containers: [container({ cpu: '1' })],
        initContainers: [container({ cpu: '500m' }, undefined, 'Always'), container({ cpu: '2' })],
      },
      requests: { cpu: 2_500_000_000n },
    },
    {
      name: 'given a sidecar after a big init container, the sum with the sidecar wins if larger',
      spec: {
        containers: [container({ cpu: '3' })],
        initContainers: [container({ cpu: '2' }), container({ cpu: '1' }, undefined, 'Always')],
      },
      requests: { cpu: 4_000_000_000n },
    },
    {
      name: 'given overhead, adds it to requests and to limits that are set',
      spec: {
        containers: [container({ cpu: '1', memory: '1Gi' }, { cpu: '2' })],
        overhead: { cpu: '250m', memory: '1Gi' },
      },
      requests: { cpu: 1_250_000_000n, memory: 2n * GI },
      limits: { cpu: 2_250_000_000n },
    },
    { name: 'given no containers, returns nothing', spec: {}, requests: {} },
    {
      name: "given pod-level requests and limits, they replace the containers' totals (cpu, memory)",
      spec: {
        containers: [container({ cpu: '10m', memory: '16Mi' }, { cpu: '10m', memory: '16Mi' })],
        resources: { requests: { cpu: '64', memory: '200Gi' }, limits: { cpu: '64', memory: '200Gi' } },
      },
      requests: { cpu: 64_000_000_000n, memory: 200n * GI },
      limits: { cpu: 64_000_000_000n, memory: 200n * GI },
    },
    {
      name: 'given a pod-level limit alone and no container request for it, the pod-level request defaults to the limit; other resources stay summed',
      spec: {
        containers: [container({ cpu: '100m', 'nvidia.com/gpu': '1' }), container({ cpu: '100m' })],
        initContainers: [container({ cpu: '1' })],
        resources: { limits: { memory: '2Gi' } },
      },
      requests: { cpu: 1_000_000_000n, memory: 2n * GI, 'nvidia.com/gpu': 1_000_000_000n },
      limits: { memory: 2n * GI },
    },
    {
      name: 'given pod-level resources and overhead, adds the overhead to the pod-level values',
      spec: {
        containers: [container({ cpu: '1' })],
        resources: { requests: { cpu: '2' }, limits: { cpu: '3' } },
        overhead: { cpu: '250m' },
      },
      requests: { cpu: 2_250_000_000n },
      limits: { cpu: 3_250_000_000n },
    },
    {
      name: "given pod-level GPUs (not a pod-level resource) and hugepages, keeps the containers' GPUs, takes the hugepages",
      spec: {
        containers: [container({ 'nvidia.com/gpu': '1' })],
        resources: { requests: { 'nvidia.com/gpu': '8', 'hugepages-2Mi': '1Gi' } },
      },
      requests: { 'nvidia.com/gpu': 1_000_000_000n, 'hugepages-2Mi': GI },
    },
  ];
  // KEP-2837 defaulting (pkg/apis/core/v1/defaults.go defaultPodRequests), which kube-apiserver applies
  // to pods (not to templates, nor to files `corral check` reads): a pod-level limit without a
  // pod-level request defaults that request to the containers' effective requests (sum of app
  // containers and sidecars, at least each init container's peak; container requests defaulted from
  // their limits first) where any container requests cpu or memory, else to the limit.
  const podLevelDefaults: typeof cases = [
    {
      name: "given a pod-level cpu limit and containers requesting cpu, the pod-level request is the containers' sum",
      spec: {
        containers: [container({ cpu: '100m' }), container({ cpu: '250m' })],
        resources: { limits: { cpu: '2' } },
      },
      requests: { cpu: 350_000_000n },
      limits: { cpu: 2_000_000_000n },
    },
    {
      name: 'given a pod-level memory limit and a container memory limit only, counts that limit as its request',
      spec: {
        containers: [container(undefined, { memory: '1Gi' }), container({ cpu: '100m' })],
        resources: { limits: { memory: '4Gi' } },
      },
      requests: { cpu: 100_000_000n, memory: GI },
      limits: { memory: 4n * GI },
    },
    {
      name: "given init containers and a sidecar, the pod-level request is the containers' effective request",
      spec: {
        containers: [container({ cpu: '500m' })],
        initContainers: [container({ cpu: '250m' }, undefined, 'Always'), container({ cpu: '2' })],
        resources: { limits: { cpu: '4' } },
      },
      requests: { cpu: 2_250_000_000n },
      limits: { cpu: 4_000_000_000n },
    },
    {
      name: 'given pod-level cpu and memory limits and containers requesting cpu only, cpu counts the containers and memory the limit',
      spec: {
        containers: [container({ cpu: '100m' })],
        resources: { limits: { cpu: '1', memory: '2Gi' } },
      },
      requests: { cpu: 100_000_000n, memory: 2n * GI },
      limits: { cpu: 1_000_000_000n, memory: 2n * GI },
    },
    {
      name: 'given a container request of 0 beside a pod-level limit, the pod-level request is 0 (a container sets it)',
      spec: {
        containers: [container({ cpu: '0' })],
        resources: { limits: { cpu: '1' } },
      },
      requests: { cpu: 0n },
      limits: { cpu: 1_000_000_000n },
    },
    {
      name: 'given a pod-level hugepages limit (never overcommitted), the request is the limit whatever the containers ask',
      spec: {
        containers: [container({ 'hugepages-2Mi': '256Mi' }, { 'hugepages-2Mi': '256Mi' })],
        resources: { limits: { 'hugepages-2Mi': '1Gi' } },
      },
      requests: { 'hugepages-2Mi': GI },
      limits: { 'hugepages-2Mi': GI },
    },
    {
      name: 'given the defaulted pod-level request already there (a pod from the API server), keeps it',
      spec: {
        containers: [container({ cpu: '100m' })],
        resources: { requests: { cpu: '100m' }, limits: { cpu: '1' } },
      },
      requests: { cpu: 100_000_000n },
      limits: { cpu: 1_000_000_000n },
    },
    {
      name: "given overhead, adds it to the containers' requests the pod-level request defaults to",
      spec: {
        containers: [container({ cpu: '100m' })],
        resources: { limits: { cpu: '1' } },
        overhead: { cpu: '250m' },
      },
      requests: { cpu: 350_000_000n },
      limits: { cpu: 1_250_000_000n },
    },
  ];
  it.each(podLevelDefaults)('$name', ({ spec, requests, limits }) => {
    const errors: FieldError[] = [];
    const result = podResources(spec, errors);
    expect(errors).toEqual([]);
    expect(Object.fromEntries(result.requests)).toEqual(requests);
    expect(Object.fromEntries(result.limits)).toEqual(limits);
  });

  it.each(cases)('$name', ({ spec, requests, limits }) => {
    const errors: FieldError[] = [];
    const result = podResources(spec, errors);
    expect(errors).toEqual([]);
    expect(Object.fromEntries(result.requests)).toEqual(requests);
    if (limits) expect(Object.fromEntries(result.limits)).toEqual(limits);
  });

  it('given a limit named like an Object property and requests without it, defaults that request too', () => {
    const errors: FieldError[] = [];
    const result = podResources({ containers: [container({}, { constructor: '2', toString: '1' })] }, errors);
    expect(errors).toEqual([]);
    expect(result.requests.get('constructor')).toBe(2_000_000_000n);
    expect(result.requests.get('toString')).toBe(1_000_000_000n);
  });

  it('given a request that does not parse beside its limit, reports it and counts the limit', () => {
    const errors: FieldError[] = [];
    const spec = { containers: [container({ memory: 'lots' }, { memory: '1Gi' })] };
    const result = podResources(spec, errors);
    expect(errors.map((e) => e.field)).toEqual(['/spec/containers/0/resources/requests/memory']);
    expect(result.requests.get('memory')).toBe(GI);
  });

  it('given an unparseable quantity, reports its field', () => {
    const errors: FieldError[] = [];
    podResources({ containers: [container({ cpu: 'lots', 'nvidia.com/gpu': '1' })] }, errors);
    expect(errors).toEqual([
      { field: '/spec/containers/0/resources/requests/cpu', message: expect.stringContaining('lots') },
    ]);
  });
});
