import { isContainerResourceName, isEnforcedQuotaKey, isExtendedResourceName } from './resource-names.js';

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
    ['services', false],
    ['count/deployments.apps', false],
    ['', false],
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
  ];
  it.each(cases)('given %j, returns %s', (name, expected) => {
    expect(isContainerResourceName(name)).toBe(expected);
  });

  it('given an overlong extended name, refuses it', () => {
    expect(isExtendedResourceName(`example.com/${'a'.repeat(64)}`)).toBe(false);
    expect(isExtendedResourceName(`example.com/${'a'.repeat(63)}`)).toBe(true);
  });
});
