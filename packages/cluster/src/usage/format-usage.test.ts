import { parseQuantity } from '@corral/policy';
import { formatUsageAmounts, formatUsageValue } from './format-usage.js';

const q = (text: string) => parseQuantity(text).nanos;

describe('formatUsageValue (Kubernetes quantities, for status)', () => {
  const cases: [key: string, amount: string, expected: string][] = [
    ['requests.cpu', '1027500m', '1027500m'],
    ['requests.cpu', '1000', '1k'],
    ['requests.cpu', '48', '48'],
    ['requests.memory', '1536Mi', '1536Mi'],
    ['requests.storage', '10290Gi', '10290Gi'],
    ['pods', '40', '40'],
    ['count/pods', '40', '40'],
    ['gold.storageclass.storage.k8s.io/requests.storage', '1536Mi', '1536Mi'],
    ['fast.ssd.storageclass.storage.k8s.io/requests.storage', '2Ti', '2Ti'],
    ['gold.storageclass.storage.k8s.io/persistentvolumeclaims', '3', '3'],
    ['requests.hugepages-2Mi', '512Mi', '512Mi'],
    ['hugepages-1Gi', '2Gi', '2Gi'],
    ['ephemeral-storage', '1536Mi', '1536Mi'],
  ];

  it.each(cases)('given %s %s, returns %s', (key, amount, expected) => {
    expect(formatUsageValue(key, q(amount))).toBe(expected);
  });
});

describe('formatUsageAmounts (one unit per message, for people)', () => {
  const cases: [key: string, amounts: string[], expected: string[]][] = [
    // cpu in cores, up to 3 decimals
    ['requests.cpu', ['48', '1027500m', '1000'], ['48', '1027.5', '1000']],
    ['requests.cpu', ['16', '16500m', '1500m'], ['16', '16.5', '1.5']],
    ['cpu', ['1', '1100m', '250m'], ['1', '1.1', '0.25']],
    ['limits.cpu', ['2', '2001m', '1m'], ['2', '2.001', '0.001']],
    // finer than a millicore rounds up: over the limit never reads as equal to it
    ['requests.cpu', ['2', '2000000001n', '1n'], ['2', '2.001', '0.001']],
    // extended resources and counts: plain numbers
    ['requests.nvidia.com/gpu', ['0', '1', '1'], ['0', '1', '1']],
    ['pods', ['100', '101', '1'], ['100', '101', '1']],
    ['persistentvolumeclaims', ['20', '21', '1'], ['20', '21', '1']],
    // memory and storage: one binary unit, from the first (the limit)
    ['requests.storage', ['200Gi', '10290Gi', '10Ti'], ['200Gi', '10290Gi', '10240Gi']],
    ['requests.memory', ['64Gi', '65664Mi', '128Mi'], ['64Gi', '64.125Gi', '0.125Gi']],
    ['limits.memory', ['512Mi', '768Mi', '1Gi'], ['512Mi', '768Mi', '1024Mi']],
    ['requests.storage', ['2Ti', '3Ti', '1536Gi'], ['2Ti', '3Ti', '1.5Ti']],
    ['memory', ['1Gi', '1025Mi', '1Mi'], ['1Gi', '1.001Gi', '0.001Gi']],
    ['requests.ephemeral-storage', ['10G', '10G'], ['9.314Gi', '9.314Gi']],
    // a zero limit takes the unit from the next amount; tiny amounts stay in bytes
    ['requests.storage', ['0', '5Gi', '5Gi'], ['0Gi', '5Gi', '5Gi']],
    ['requests.memory', ['100', '200', '100'], ['100', '200', '100']],
    ['requests.memory', ['0', '0'], ['0', '0']],
  ];

  it.each(cases)('given %s %j, returns %j', (key, amounts, expected) => {
    expect(formatUsageAmounts(key, amounts.map(q))).toEqual(expected);
  });

  it('given a negative amount (a release), keeps the sign', () => {
    expect(formatUsageAmounts('requests.memory', [q('1Gi'), -q('512Mi')])).toEqual(['1Gi', '-0.5Gi']);
    expect(formatUsageAmounts('requests.cpu', [-q('1500m')])).toEqual(['-1.5']);
  });
});
