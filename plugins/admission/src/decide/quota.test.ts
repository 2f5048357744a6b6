import { UNIT } from '@corral/cluster';
import { checkQuota, type QuotaScope } from './quota.js';

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
  reserved: usage(reserved),
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
    expect(decision.message).toContain('requests.cpu would reach 16500m of 16 (this object asks 1500m)');
    expect(decision.message).toContain('ask a platform admin to raise the quota');
  });
});
