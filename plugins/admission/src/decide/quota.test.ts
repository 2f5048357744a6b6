import { EMPTY_USAGE, UNIT } from '@corral/cluster';
import { parseQuantity } from '@corral/policy';
import { checkQuota, describeExcess, type QuotaScope } from './quota.js';

const G = 1024n ** 3n * UNIT;
const usage = (entries: Record<string, bigint>) => new Map(Object.entries(entries));
const scope = (
  hard: Record<string, string>,
  used: Record<string, bigint>,
  reserved: Record<string, bigint> = {},
): QuotaScope => ({
  kind: 'namespace',
  name: 'ns',
  hard,
  used: usage(used),
  reserved: { held: usage(reserved), less: EMPTY_USAGE },
});

describe('checkQuota', () => {
  const cases: [string, QuotaScope, Record<string, bigint>, string][] = [
    ['room left', scope({ pods: '2' }, { pods: UNIT }), { pods: UNIT }, 'pass'],
    ['exactly full after', scope({ pods: '2' }, { pods: UNIT }), { pods: UNIT }, 'pass'],
    ['over by reservations', scope({ pods: '2' }, { pods: UNIT }, { pods: UNIT }), { pods: UNIT }, 'fail'],
    [
      'cpu synonym',
      scope({ cpu: '1' }, { 'requests.cpu': 900_000_000n }),
      { 'requests.cpu': 200_000_000n },
      'fail',
    ],
    [
      'memory ok',
      scope({ 'requests.memory': '2Gi' }, { 'requests.memory': G }),
      { 'requests.memory': G },
      'pass',
    ],
    [
      'gpu zero quota',
      scope({ 'requests.nvidia.com/gpu': '0' }, {}),
      { 'requests.nvidia.com/gpu': UNIT },
      'fail',
    ],
    [
      'untouched key over',
      scope({ 'requests.storage': '1Gi' }, { 'requests.storage': 2n * G }),
      { pods: UNIT },
      'pass',
    ],
    ['no quota', scope({}, {}), { pods: UNIT }, 'skip'],
    // ResourceQuota's other synonyms and keys of pods and claims
    [
      'ephemeral-storage synonym',
      scope({ 'ephemeral-storage': '2Gi' }, { 'requests.ephemeral-storage': G }),
      { 'requests.ephemeral-storage': G + 1n },
      'fail',
    ],
    [
      'hugepages synonym, exactly full',
      scope({ 'hugepages-2Mi': '2Gi' }, { 'requests.hugepages-2Mi': G }),
      { 'requests.hugepages-2Mi': G },
      'pass',
    ],
    [
      'requests.hugepages over',
      scope({ 'requests.hugepages-2Mi': '1Gi' }, {}),
      { 'requests.hugepages-2Mi': 2n * G },
      'fail',
    ],
    [
      'count/pods counts terminal pods too',
      scope({ 'count/pods': '2' }, { pods: UNIT, 'count/pods': 2n * UNIT }),
      { pods: UNIT, 'count/pods': UNIT },
      'fail',
    ],
    [
      'count/persistentvolumeclaims synonym',
      scope({ 'count/persistentvolumeclaims': '1' }, { persistentvolumeclaims: UNIT }),
      { persistentvolumeclaims: UNIT },
      'fail',
    ],
    [
      'per-class storage, exactly full',
      scope(
        { 'gold.storageclass.storage.k8s.io/requests.storage': '2Gi' },
        {
          'gold.storageclass.storage.k8s.io/requests.storage': G,
        },
      ),
      { 'gold.storageclass.storage.k8s.io/requests.storage': G, 'requests.storage': G },
      'pass',
    ],
    [
      'per-class quota, claim of another class',
      scope({ 'gold.storageclass.storage.k8s.io/requests.storage': '1Gi' }, {}),
      { 'silver.storageclass.storage.k8s.io/requests.storage': 5n * G, 'requests.storage': 5n * G },
      'pass',
    ],
  ];
  it.each(cases)('given %s, returns %s', (_what, quota, demand, outcome) => {
    expect(checkQuota(quota, usage(demand)).outcome).toBe(outcome);
  });

  it('given an excess, names the key, the amounts and the fix', () => {
    const decision = checkQuota(
      scope({ 'requests.cpu': '16' }, { 'requests.cpu': 15n * UNIT }),
      usage({ 'requests.cpu': 1_500_000_000n }),
    );
    expect(decision).toMatchObject({ rule: 'namespace-quota', outcome: 'fail' });
    expect(decision.message).toContain('requests.cpu would reach 16.5 of 16 (this object asks 1.5)');
    expect(decision.message).toContain('ask a platform admin to raise the quota');
  });
});

describe('describeExcess: the three amounts of one key in one unit', () => {
  const q = (text: string) => parseQuantity(text).nanos;
  const cases: [key: string, hard: string, total: string, need: string, expected: string][] = [
    [
      'requests.cpu',
      '48',
      '1027500m',
      '1000',
      'requests.cpu would reach 1027.5 of 48 (this object asks 1000)',
    ],
    ['cpu', '1', '1100m', '200m', 'cpu would reach 1.1 of 1 (this object asks 0.2)'],
    ['limits.cpu', '8', '8250m', '250m', 'limits.cpu would reach 8.25 of 8 (this object asks 0.25)'],
    [
      'requests.storage',
      '200Gi',
      '10290Gi',
      '10Ti',
      'requests.storage would reach 10290Gi of 200Gi (this object asks 10240Gi)',
    ],
    [
      'requests.memory',
      '64Gi',
      '65664Mi',
      '128Mi',
      'requests.memory would reach 64.125Gi of 64Gi (this object asks 0.125Gi)',
    ],
    [
      'limits.memory',
      '512Mi',
      '1536Mi',
      '1Gi',
      'limits.memory would reach 1536Mi of 512Mi (this object asks 1024Mi)',
    ],
    ['pods', '50', '51', '1', 'pods would reach 51 of 50 (this object asks 1)'],
    [
      'requests.nvidia.com/gpu',
      '0',
      '1',
      '1',
      'requests.nvidia.com/gpu would reach 1 of 0 (this object asks 1)',
    ],
  ];

  it.each(cases)('given %s %s / %s / %s, says %j', (key, hard, total, need, expected) => {
    expect(describeExcess({ key, hard: q(hard), total: q(total), need: q(need) })).toBe(expected);
  });

  it('given a quota check over the limit, the message carries the same wording', () => {
    const decision = checkQuota(
      {
        ...scope({ 'requests.cpu': '48' }, { 'requests.cpu': q('27500m') }),
        kind: 'department',
        name: 'research',
      },
      usage({ 'requests.cpu': q('1000') }),
    );
    expect(decision.message).toContain('requests.cpu would reach 1027.5 of 48 (this object asks 1000)');
    expect(decision.message).toContain('the quota of department research');
  });
});
