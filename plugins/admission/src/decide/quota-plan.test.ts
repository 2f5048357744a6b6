import { EMPTY_USAGE, UNIT } from '@corral/cluster';
import { checkQuota, quotaExcesses, type QuotaScope } from './quota.js';
import { scopeKey } from './quota-decisions.js';

const scope = (hard: Record<string, string>): QuotaScope => ({
  kind: 'department',
  name: 'd',
  hard,
  used: new Map([['pods', 2n * UNIT]]),
  reserved: { held: EMPTY_USAGE, less: EMPTY_USAGE },
});

describe('the parsed quota of a policy object', () => {
  it('reads a quota once per policy object and answers each scope from it, every time', () => {
    const hard = { pods: '2' };
    for (let i = 0; i < 3; i++) {
      expect(checkQuota(scope(hard), new Map([['pods', UNIT]])).outcome).toBe('fail');
      expect(quotaExcesses(scope(hard), new Map([['pods', UNIT]]))).toEqual([
        { key: 'pods', total: 3n * UNIT, hard: 2n * UNIT, need: UNIT },
      ]);
    }
  });

  it('skips a quota naming no key, and checks one whose only key does not parse (passing it)', () => {
    expect(checkQuota(scope({}), new Map([['pods', UNIT]])).outcome).toBe('skip');
    expect(checkQuota(scope({ pods: 'lots' }), new Map([['pods', UNIT]])).outcome).toBe('pass');
  });
});

describe('scopeKey', () => {
  it('writes `<kind>/<name>`, the same string each time for a scope', () => {
    expect(scopeKey('namespace', 'team-a')).toBe('namespace/team-a');
    expect(scopeKey('department', 'team-a')).toBe('department/team-a');
    const name = ['fin', 'ance'].join('');
    expect(Object.is(scopeKey('department', name), scopeKey('department', 'finance'))).toBe(true);
  });

  it('keeps writing the right keys past its bound', () => {
    for (let i = 0; i < 5000; i++) expect(scopeKey('namespace', `ns-${i}`)).toBe(`namespace/ns-${i}`);
    expect(scopeKey('namespace', 'ns-1')).toBe('namespace/ns-1');
  });
});
