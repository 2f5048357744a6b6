import { rawPod, rawPvc } from '../testing/raw-objects.js';
import { toPodView } from '../views/pod-view.js';
import { toPvcView } from '../views/pvc-view.js';
import { formatUsage, usageUnits } from './format-usage.js';
import { applyUsage, podUsage, pvcUsage, UNIT, usedFor } from './usage.js';

function pod(raw: unknown) {
  const result = toPodView(raw, 'test');
  if (!result.ok) throw new Error('bad fixture');
  return result.value;
}

describe('podUsage', () => {
  const cases = [
    {
      name: 'a running pod counts its requests, cpu/memory limits and itself',
      raw: rawPod('ns', 'p', {
        requests: { cpu: '100m', 'nvidia.com/gpu': '1' },
        limits: { cpu: '1', 'nvidia.com/gpu': '1' },
      }),
      expected: {
        pods: '1',
        'count/pods': '1',
        'requests.cpu': '100m',
        'requests.nvidia.com/gpu': '1',
        'limits.cpu': '1',
      },
    },
    {
      name: 'a terminal pod counts only in count/pods (every pod in storage)',
      raw: rawPod('ns', 'p', { phase: 'Failed', requests: { cpu: '1' } }),
      expected: { 'count/pods': '1' },
    },
    {
      name: 'memory prints in binary units',
      raw: rawPod('ns', 'p', { requests: { memory: '1536Mi' } }),
      expected: { pods: '1', 'count/pods': '1', 'requests.memory': '1536Mi', 'limits.memory': undefined },
    },
    {
      name: 'huge pages count as requests only (requests.hugepages-<size>), in binary units',
      raw: rawPod('ns', 'p', {
        requests: { memory: '1Gi', 'hugepages-2Mi': '512Mi' },
        limits: { memory: '1Gi', 'hugepages-2Mi': '512Mi' },
      }),
      expected: {
        pods: '1',
        'count/pods': '1',
        'requests.memory': '1Gi',
        'limits.memory': '1Gi',
        'requests.hugepages-2Mi': '512Mi',
      },
    },
    {
      name: 'ephemeral-storage counts its request and its limit',
      raw: rawPod('ns', 'p', {
        requests: { 'ephemeral-storage': '1Gi' },
        limits: { 'ephemeral-storage': '2Gi' },
      }),
      expected: {
        pods: '1',
        'count/pods': '1',
        'requests.ephemeral-storage': '1Gi',
        'limits.ephemeral-storage': '2Gi',
      },
    },
  ];
  it.each(cases)('given $name', ({ raw, expected }) => {
    const formatted = formatUsage(podUsage(pod(raw)));
    expect(formatted).toEqual(
      Object.fromEntries(Object.entries(expected).filter(([, v]) => v !== undefined)),
    );
  });

  it('given a pod past its deletion deadline, counts it only in count/pods, as QuotaV1Pod', () => {
    const running = pod(rawPod('ns', 'p', { requests: { cpu: '1' }, limits: { cpu: '1' } }));
    expect(formatUsage(podUsage({ ...running, pastDeletionDeadline: true }))).toEqual({ 'count/pods': '1' });
  });
});

describe('pvcUsage', () => {
  it('given a claim without a class, counts the storage and the claim under no class', () => {
    const result = toPvcView(rawPvc('ns', 'c', '2Ti'), 'test');
    expect(result.ok && formatUsage(pvcUsage(result.value))).toEqual({
      persistentvolumeclaims: '1',
      'requests.storage': '2Ti',
    });
  });

  it('given a claim of class gold, counts both again under the class keys', () => {
    const result = toPvcView(rawPvc('ns', 'c', '1536Mi', { storageClass: 'gold' }), 'test');
    expect(result.ok && formatUsage(pvcUsage(result.value))).toEqual({
      persistentvolumeclaims: '1',
      'requests.storage': '1536Mi',
      'gold.storageclass.storage.k8s.io/persistentvolumeclaims': '1',
      'gold.storageclass.storage.k8s.io/requests.storage': '1536Mi',
    });
  });
});

describe('applyUsage', () => {
  it('adds, subtracts and drops keys that reach zero', () => {
    const target = new Map<string, bigint>();
    applyUsage(target, new Map([['pods', UNIT]]), 1n);
    applyUsage(
      target,
      new Map([
        ['pods', UNIT],
        ['requests.cpu', 5n],
      ]),
      1n,
    );
    applyUsage(target, new Map([['pods', 2n * UNIT]]), -1n);
    expect(target).toEqual(new Map([['requests.cpu', 5n]]));
  });
});

describe('usageUnits and usedFor', () => {
  const usage = new Map([
    ['pods', 40n * UNIT],
    ['requests.cpu', 1_500_000_000n],
  ]);
  it.each([
    { key: 'pods', units: 40n },
    { key: 'requests.cpu', units: 2n },
    { key: 'requests.memory', units: 0n },
  ])('usageUnits($key) is $units', ({ key, units }) => expect(usageUnits(usage, key)).toBe(units));
  it.each([
    { key: 'cpu', nanos: 1_500_000_000n },
    { key: 'requests.cpu', nanos: 1_500_000_000n },
    { key: 'memory', nanos: 0n },
  ])('usedFor($key) is $nanos', ({ key, nanos }) => expect(usedFor(usage, key)).toBe(nanos));

  const synonyms = new Map([
    ['requests.ephemeral-storage', 7n],
    ['requests.hugepages-2Mi', 11n],
    ['persistentvolumeclaims', 3n * UNIT],
    ['pods', 2n * UNIT],
    ['count/pods', 5n * UNIT],
  ]);
  it.each([
    { key: 'ephemeral-storage', nanos: 7n },
    { key: 'hugepages-2Mi', nanos: 11n },
    { key: 'requests.hugepages-2Mi', nanos: 11n },
    { key: 'hugepages-1Gi', nanos: 0n },
    { key: 'count/persistentvolumeclaims', nanos: 3n * UNIT },
    { key: 'count/pods', nanos: 5n * UNIT },
    { key: 'pods', nanos: 2n * UNIT },
  ])('usedFor($key) reads its synonym: $nanos', ({ key, nanos }) =>
    expect(usedFor(synonyms, key)).toBe(nanos),
  );
});
