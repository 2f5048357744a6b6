import type { InvalidPolicy } from '../store/invalid-policy.js';
import type { PolicyValidityChange } from '../store/validity-changes.js';
import { DELETED_MSG, INVALID_MSG, VALID_AGAIN_MSG, validityLogEntry } from './validity-log-entry.js';

const problem = (field: string, message: string) => ({ kind: 'Department', name: 'd', field, message });
const refused = (over: Partial<InvalidPolicy> = {}): InvalidPolicy => ({
  kind: 'Department',
  name: 'd',
  reason: 'InvalidSpec',
  problems: [problem('/spec/quota/hard/pods', 'whole units')],
  lastValidKept: true,
  copy: { generation: 2, resourceVersion: '5' },
  ...over,
});
const change = (
  before: InvalidPolicy | undefined,
  after: InvalidPolicy | undefined,
  served = true,
): PolicyValidityChange => ({
  kind: 'Department',
  name: 'd',
  ...(before ? { before } : {}),
  ...(after ? { after } : {}),
  served,
});

describe('validityLogEntry', () => {
  it('given an object that becomes invalid, returns a warn line with kind, name, field, message and kept copy', () => {
    expect(validityLogEntry(change(undefined, refused()))).toEqual({
      level: 'warn',
      msg: INVALID_MSG,
      fields: {
        kind: 'Department',
        name: 'd',
        reason: 'InvalidSpec',
        field: '/spec/quota/hard/pods',
        message: 'whole units',
        problems: [{ field: '/spec/quota/hard/pods', message: 'whole units' }],
        lastValidKept: true,
        generation: 2,
      },
    });
  });

  it.each([
    ['other problems', refused({ problems: [problem('/spec/x', 'bad')] })],
    ['another reason', refused({ reason: 'Conflict' })],
    ['its last valid copy gone', refused({ lastValidKept: false })],
  ])('given a refusal changed (%s), returns a warn line again', (_name, after) => {
    expect(validityLogEntry(change(refused(), after))?.level).toBe('warn');
  });

  it('given only a newer refused copy (status write, relist) with the same problems, returns nothing', () => {
    const newer = refused({ copy: { generation: 3, resourceVersion: '9', status: {} } });
    expect(
      validityLogEntry(
        change(refused(), {
          ...newer,
          problems: [{ ...problem('/spec/quota/hard/pods', 'whole units'), source: 'list' }],
        }),
      ),
    ).toBeUndefined();
  });

  it.each([
    [true, VALID_AGAIN_MSG],
    [false, DELETED_MSG],
  ])('given a refusal that ends (served: %s), returns an info line: %s', (served, msg) => {
    expect(validityLogEntry(change(refused(), undefined, served))).toEqual({
      level: 'info',
      msg,
      fields: { kind: 'Department', name: 'd' },
    });
  });

  it('given a NamespacePolicy, names its namespace', () => {
    const policy = refused({ kind: 'NamespacePolicy', namespace: 'ns' });
    const entry = validityLogEntry({
      ...change(undefined, policy),
      kind: 'NamespacePolicy',
      namespace: 'ns',
    });
    expect(entry?.fields).toMatchObject({ kind: 'NamespacePolicy', namespace: 'ns', name: 'd' });
  });
});
