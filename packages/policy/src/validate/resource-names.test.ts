import {
  isContainerResourceName,
  isEnforcedQuotaKey,
  isExtendedResourceName,
  isWholeUnitQuotaKey,
  measuredQuotaKey,
  quotaKeyProblem,
} from './resource-names.js';

const gold = (resource: string) => `gold.storageclass.storage.k8s.io/${resource}`;

describe('isEnforcedQuotaKey', () => {
  const cases: [key: string, expected: boolean][] = [
    ['cpu', true],
    ['memory', true],
    ['pods', true],
    ['persistentvolumeclaims', true],
    ['requests.storage', true],
    ['requests.cpu', true],
    ['requests.memory', true],
    ['requests.ephemeral-storage', true],
    ['limits.cpu', true],
    ['limits.memory', true],
    ['limits.ephemeral-storage', true],
    ['requests.nvidia.com/gpu', true],
    ['requests.example.com/foo_bar.baz', true],
    ['limits.nvidia.com/gpu', false],
    ['nvidia.com/gpu', false],
    ['requests.gpu', false],
    ['requests.kubernetes.io/foo', false],
    ['requests.node.kubernetes.io/foo', false],
    ['requests.Nvidia.com/gpu', false],
    ['requests.nvidia.com/', false],
    // Kubernetes' IsExtendedResourceName refuses a `requests.` prefix: no pod can request that.
    ['requests.requests.example.com/gpu', false],
    ['services', false],
    ['count/deployments.apps', false],
    ['', false],
    // the rest of what Kubernetes' pod and PVC quota evaluators match
    ['ephemeral-storage', true],
    ['count/pods', true],
    ['count/persistentvolumeclaims', true],
    ['hugepages-2Mi', true],
    ['requests.hugepages-2Mi', true],
    ['requests.hugepages-1Gi', true],
    ['limits.hugepages-2Mi', false],
    ['requests.hugepages-', false],
    ['requests.hugepages-big', false],
    [gold('requests.storage'), true],
    [gold('persistentvolumeclaims'), true],
    ['fast-ssd.eu-1.storageclass.storage.k8s.io/requests.storage', true],
    [gold('requests.cpu'), false],
    [gold('storage'), false],
    ['Gold.storageclass.storage.k8s.io/requests.storage', false],
    ['.storageclass.storage.k8s.io/requests.storage', false],
    ['gold_class.storageclass.storage.k8s.io/persistentvolumeclaims', false],
    [`${'a'.repeat(225)}.storageclass.storage.k8s.io/requests.storage`, true],
    [`${'a'.repeat(226)}.storageclass.storage.k8s.io/requests.storage`, false],
    ['count/services', false],
    ['count/pods.apps', false],
  ];
  it.each(cases)('given %j, returns %s', (key, expected) => {
    expect(isEnforcedQuotaKey(key)).toBe(expected);
  });
});

describe('isContainerResourceName', () => {
  const cases: [name: string, expected: boolean][] = [
    ['cpu', true],
    ['memory', true],
    ['ephemeral-storage', true],
    ['hugepages-2Mi', true],
    ['hugepages-1Gi', true],
    ['nvidia.com/gpu', true],
    ['storage', false],
    ['requests.cpu', false],
    ['gpu', false],
    ['hugepages-', false],
    ['kubernetes.io/foo', false],
    // kube-apiserver refuses a pod requesting it ("doesn't follow extended resource name standard")
    ['requests.example.com/gpu', false],
  ];
  it.each(cases)('given %j, returns %s', (name, expected) => {
    expect(isContainerResourceName(name)).toBe(expected);
  });

  it('given an overlong extended name, refuses it', () => {
    expect(isExtendedResourceName(`example.com/${'a'.repeat(64)}`)).toBe(false);
    expect(isExtendedResourceName(`example.com/${'a'.repeat(63)}`)).toBe(true);
  });

  it('given a domain too long for its quota key requests.<domain>/<name> (253), refuses it', () => {
    const domain = (length: number) => `${'a'.repeat(length - 4)}.com`;
    expect(isExtendedResourceName(`${domain(244)}/gpu`)).toBe(true);
    expect(isExtendedResourceName(`${domain(245)}/gpu`)).toBe(false);
  });
});

describe('isWholeUnitQuotaKey (ResourceQuota: IsIntegerResourceName)', () => {
  const cases: [key: string, expected: boolean][] = [
    ['pods', true],
    ['count/pods', true],
    ['persistentvolumeclaims', true],
    ['count/persistentvolumeclaims', true],
    [gold('persistentvolumeclaims'), true],
    [gold('requests.storage'), true],
    ['requests.nvidia.com/gpu', true],
    ['requests.storage', false],
    ['requests.hugepages-2Mi', false],
    ['hugepages-2Mi', false],
    ['ephemeral-storage', false],
    ['cpu', false],
  ];
  it.each(cases)('given %j, returns %s', (key, expected) => {
    expect(isWholeUnitQuotaKey(key)).toBe(expected);
  });
});

describe('measuredQuotaKey (ResourceQuota synonyms)', () => {
  const cases: [key: string, expected: string][] = [
    ['cpu', 'requests.cpu'],
    ['memory', 'requests.memory'],
    ['ephemeral-storage', 'requests.ephemeral-storage'],
    ['hugepages-2Mi', 'requests.hugepages-2Mi'],
    ['requests.hugepages-2Mi', 'requests.hugepages-2Mi'],
    ['count/persistentvolumeclaims', 'persistentvolumeclaims'],
    ['count/pods', 'count/pods'],
    ['pods', 'pods'],
    ['limits.ephemeral-storage', 'limits.ephemeral-storage'],
    [gold('requests.storage'), gold('requests.storage')],
  ];
  it.each(cases)('given %j, returns %j', (key, expected) => {
    expect(measuredQuotaKey(key)).toBe(expected);
  });
});

describe('quotaKeyProblem', () => {
  const cases: [key: string, message: RegExp | undefined][] = [
    ['requests.cpu', undefined],
    [gold('requests.storage'), undefined],
    [
      'Gold.storageclass.storage.k8s.io/requests.storage',
      /quota key 'Gold\.storageclass\.storage\.k8s\.io\/requests\.storage' names StorageClass 'Gold', which is no StorageClass name: write the class as a DNS subdomain/,
    ],
    [
      gold('requests.cpu'),
      /unknown quota key 'gold\.storageclass\.storage\.k8s\.io\/requests\.cpu': a StorageClass scopes only requests\.storage and persistentvolumeclaims, e\.g\. gold\.storageclass\.storage\.k8s\.io\/requests\.storage/,
    ],
    [
      `${'a'.repeat(226)}.storageclass.storage.k8s.io/requests.storage`,
      /is too long: .* must be at most 253 characters, so a StorageClass quota can name a class of at most 225 characters/,
    ],
    [
      'count/services',
      /unknown quota key 'count\/services': Corral counts only the objects it reviews, use count\/pods or count\/persistentvolumeclaims/,
    ],
    [
      'limits.hugepages-2Mi',
      /unknown quota key 'limits\.hugepages-2Mi': .*requests\.hugepages-<size> for huge pages .*<class>\.storageclass\.storage\.k8s\.io\/requests\.storage/,
    ],
  ];
  it.each(cases)('given %j, returns %s', (key, message) => {
    const problem = quotaKeyProblem(key);
    if (message === undefined) expect(problem).toBeUndefined();
    else expect(problem).toMatch(message);
  });
});
