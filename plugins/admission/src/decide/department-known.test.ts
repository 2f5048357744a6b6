import { EMPTY_USAGE, rawDepartment, rawNamespace, rawNamespacePolicy, SnapshotStore } from '@corral/cluster';
import { podRequest } from '../testing/example-snapshot.js';
import { DEFAULT_RULE_SETTINGS } from './settings.js';
import { departmentKnown, DEPARTMENT_KNOWN_RULE, unservedDepartmentOf } from './department-known.js';
import { validateRequest, type ReservedUsage } from './validate.js';

const NONE: ReservedUsage = () => ({ held: EMPTY_USAGE, less: EMPTY_USAGE });
const LABEL = 'corral.dev/department';

/**
 * web (a Department) with web-ns; ghost-ns labelled for a Department that does not exist, warn-ns
 * too but in warn mode; free-ns with no label; picked-ns labelled web-x but picked by Department
 * picker's own selector.
 */
function cluster(): SnapshotStore {
  const store = new SnapshotStore();
  store.replaceAll(
    'Namespace',
    [
      rawNamespace('web-ns', { [LABEL]: 'web' }),
      rawNamespace('ghost-ns', { [LABEL]: 'ghost' }),
      rawNamespace('warn-ns', { [LABEL]: 'ghost' }),
      rawNamespace('free-ns'),
      rawNamespace('picked-ns', { [LABEL]: 'web-x', team: 'picked' }),
    ],
    'test',
  );
  store.replaceAll(
    'Department',
    [
      rawDepartment('web'),
      rawDepartment('picker', { namespaceSelector: { matchLabels: { team: 'picked' } } }),
    ],
    'test',
  );
  store.replaceAll(
    'NamespacePolicy',
    [rawNamespacePolicy('warn-ns', 'policy', { enforcement: 'warn' })],
    'test',
  );
  return store;
}

const deployment = (namespace: string) => ({
  uid: 'u-deploy',
  kind: { group: 'apps', version: 'v1', kind: 'Deployment' },
  namespace,
  name: 'web',
  operation: 'CREATE' as const,
  object: {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace },
    spec: { template: { spec: { containers: [{ name: 'a', image: 'harbor.example.com/web/a:1' }] } } },
  },
});

describe('unservedDepartmentOf', () => {
  it.each([
    ['labelled for a Department that exists', 'web-ns', undefined],
    ['labelled for one that does not', 'ghost-ns', 'ghost'],
    ['not labelled', 'free-ns', undefined],
    ["labelled for a missing one but claimed by another's selector", 'picked-ns', undefined],
    ['unknown to the snapshot', 'nowhere', undefined],
  ])('given a namespace %s, returns %s', (_what, namespace, expected) => {
    expect(unservedDepartmentOf(cluster(), namespace)).toBe(expected);
  });
});

describe('departmentKnown', () => {
  const store = cluster();
  const container = { containers: [{ name: 'a', image: 'docker.io/evil/miner:latest' }] };

  it('given a new pod in a namespace labelled for a missing Department, refuses it naming the label and the fix', () => {
    expect(departmentKnown(podRequest('ghost-ns', container), 'ghost-ns', store)).toEqual({
      rule: DEPARTMENT_KNOWN_RULE,
      outcome: 'fail',
      message:
        'namespace ghost-ns is labelled corral.dev/department=ghost, but Corral serves no valid Department ' +
        'ghost (deleted, not created yet, or refused: see its Valid condition), so its rules cannot be ' +
        'applied: ask a platform admin to restore the Department or relabel the namespace',
    });
  });

  it('given a new Deployment there, warns that its pods are refused', () => {
    expect(departmentKnown(deployment('ghost-ns'), 'ghost-ns', store)).toMatchObject({
      outcome: 'warn',
      message: expect.stringMatching(/: its pods are refused until the Department is served$/),
    });
  });

  it('given an UPDATE, or a namespace whose Department is served, has no opinion', () => {
    const update = podRequest('ghost-ns', container, { operation: 'UPDATE' });
    expect(departmentKnown(update, 'ghost-ns', store)).toBeUndefined();
    expect(departmentKnown(podRequest('web-ns', container), 'web-ns', store)).toBeUndefined();
    expect(departmentKnown(podRequest('free-ns', container), 'free-ns', store)).toBeUndefined();
  });
});

describe('validateRequest and a namespace whose Department is gone', () => {
  const store = cluster();
  const validate = (request: Parameters<typeof validateRequest>[0]) =>
    validateRequest(request, store, DEFAULT_RULE_SETTINGS, NONE).decisions;
  const pinned = { nodeName: 'any-node', containers: [{ name: 'a', image: 'docker.io/evil/miner:latest' }] };

  it('given a pod pinned to a node (no scheduler, no extender), refuses it rather than admitting it as of no department', () => {
    expect(validate(podRequest('ghost-ns', pinned))).toContainEqual(
      expect.objectContaining({ rule: DEPARTMENT_KNOWN_RULE, outcome: 'fail' }),
    );
  });

  it('given the namespace in warn mode, warns instead', () => {
    const decisions = validate(podRequest('warn-ns', pinned));
    expect(decisions).toContainEqual(
      expect.objectContaining({ rule: DEPARTMENT_KNOWN_RULE, outcome: 'warn' }),
    );
    expect(decisions.some((d) => d.outcome === 'fail')).toBe(false);
  });
});
