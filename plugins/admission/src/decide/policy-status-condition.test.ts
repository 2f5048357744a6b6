import type { InvalidPolicy } from '@corral/cluster';
import type { Condition } from '@corral/policy';
import {
  conditionTime,
  readConditions,
  sameConditions,
  statusFingerprint,
  validCondition,
  withCondition,
} from './policy-status-condition.js';

const problem = (field: string, message: string) => ({ kind: 'Department', name: 'd', field, message });
const refused = (over: Partial<InvalidPolicy> = {}): InvalidPolicy => ({
  kind: 'Department',
  name: 'd',
  reason: 'InvalidSpec',
  problems: [problem('/spec/a', 'is wrong'), problem('/spec/b', 'is wrong too')],
  lastValidKept: true,
  copy: {},
  ...over,
});

describe('validCondition', () => {
  it.each([
    ['valid', undefined, 'True', 'Valid', 'Corral serves this spec.'],
    [
      'invalid, last valid copy kept',
      refused(),
      'False',
      'InvalidSpec',
      'Refused by validation: /spec/a: is wrong; /spec/b: is wrong too. ' +
        'Corral keeps serving the last valid spec (generation 2).',
    ],
    [
      'invalid, nothing served',
      refused({ lastValidKept: false }),
      'False',
      'InvalidSpec',
      'Refused by validation: /spec/a: is wrong; /spec/b: is wrong too. ' +
        'Corral treats the Department as absent until it is fixed.',
    ],
    [
      'held back by a conflict',
      refused({ reason: 'Conflict', problems: [problem('', 'conflicts')], lastValidKept: false }),
      'False',
      'Conflict',
      'Held back by a conflict: /: conflicts. Corral treats the Department as absent until it is fixed.',
    ],
    [
      'a NamespacePolicy held back by a conflict',
      refused({
        kind: 'NamespacePolicy',
        namespace: 'team-a',
        reason: 'Conflict',
        problems: [problem('/metadata/name', 'namespace team-a already has NamespacePolicy old')],
        lastValidKept: false,
      }),
      'False',
      'Conflict',
      'Held back by a conflict: /metadata/name: namespace team-a already has NamespacePolicy old. ' +
        'Corral treats the NamespacePolicy as absent until it is fixed.',
    ],
  ])('given %s, returns status %s, reason %s and the message', (_name, input, status, reason, message) => {
    expect(validCondition(input, 5, 2)).toEqual({
      type: 'Valid',
      status,
      reason,
      message,
      observedGeneration: 5,
    });
  });

  it('given many problems, cuts the message and counts the rest; secrets in messages are redacted', () => {
    const many = Array.from({ length: 100 }, (_, i) => problem(`/spec/f${i}`, 'x'.repeat(40)));
    const condition = validCondition(refused({ problems: many }), undefined, undefined);
    expect(condition.message?.length).toBeLessThan(1200);
    expect(condition.message).toMatch(/; and \d+ more\. /);
    expect(condition).not.toHaveProperty('observedGeneration');
    const secret = validCondition(refused({ problems: [problem('/spec/x', 'token=abc123')] }), 1, 1);
    expect(secret.message).not.toContain('abc123');
  });
});

describe('withCondition', () => {
  const other: Condition = { type: 'Other', status: 'True', lastTransitionTime: 'T0' };
  const validSince = (status: 'True' | 'False', time: string): Condition => ({
    type: 'Valid',
    status,
    reason: 'R',
    lastTransitionTime: time,
  });

  it('given no Valid condition, adds it last with lastTransitionTime now', () => {
    expect(withCondition([other], { type: 'Valid', status: 'True' }, 'T2')).toEqual([
      other,
      { type: 'Valid', status: 'True', lastTransitionTime: 'T2' },
    ]);
  });

  it('given the same status, keeps lastTransitionTime (other fields updated in place)', () => {
    const next = withCondition(
      [validSince('False', 'T1'), other],
      { type: 'Valid', status: 'False', reason: 'X' },
      'T2',
    );
    expect(next).toEqual([{ type: 'Valid', status: 'False', reason: 'X', lastTransitionTime: 'T1' }, other]);
  });

  it('given a flip, sets lastTransitionTime to now', () => {
    expect(withCondition([validSince('False', 'T1')], { type: 'Valid', status: 'True' }, 'T2')).toEqual([
      { type: 'Valid', status: 'True', lastTransitionTime: 'T2' },
    ]);
  });
});

describe('condition helpers', () => {
  it('readConditions keeps well-formed conditions only', () => {
    expect(readConditions([{ type: 'A', status: 'True' }, { type: 'B', status: 'yes' }, 3, null])).toEqual([
      { type: 'A', status: 'True' },
    ]);
    expect(readConditions({})).toEqual([]);
  });

  it('sameConditions ignores key order, not values', () => {
    const a: Condition = { type: 'A', status: 'True', reason: 'R' };
    expect(sameConditions([a], [{ reason: 'R', status: 'True', type: 'A' }])).toBe(true);
    expect(sameConditions([a], [{ ...a, reason: 'S' }])).toBe(false);
    expect(sameConditions([a], [])).toBe(false);
  });

  it('statusFingerprint leaves lastTransitionTime out', () => {
    const at = (time: string) => ({
      namespaces: [],
      conditions: [{ type: 'A', status: 'True' as const, lastTransitionTime: time }],
    });
    expect(statusFingerprint(at('T1'))).toBe(statusFingerprint(at('T2')));
    const names = (namespaces: string[]) => statusFingerprint({ namespaces } as { conditions?: Condition[] });
    expect(names(['a'])).not.toBe(names(['b']));
  });

  it('conditionTime is RFC 3339 in whole seconds', () => {
    expect(conditionTime(new Date('2030-01-02T03:04:05.678Z'))).toBe('2030-01-02T03:04:05Z');
  });
});
