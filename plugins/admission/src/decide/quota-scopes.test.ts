import { EMPTY_USAGE } from '@corral/cluster';
import { newObjectQuota, quotaScopes, type QuotaView } from './quota-decisions.js';
import type { AdmissionRequest } from './request.js';

const NOTHING = { held: EMPTY_USAGE, less: EMPTY_USAGE };

/** A view with a namespace quota and a department quota, counting its NamespacePolicy look-ups. */
function viewOf(): { view: QuotaView; policyReads: () => number } {
  let reads = 0;
  const view = {
    departmentOfNamespace: () => 'd',
    department: () => ({ metadata: { name: 'd' }, spec: { quota: { hard: { pods: '2' } } } }),
    namespacePolicy: () => {
      reads += 1;
      return { spec: { quota: { hard: { pods: '1' } }, defaults: { requests: { cpu: '1' } } } };
    },
    usageOfNamespace: () => EMPTY_USAGE,
    usageOfDepartment: () => EMPTY_USAGE,
    pod: () => undefined,
    pvc: () => undefined,
  } as unknown as QuotaView;
  return { view, policyReads: () => reads };
}

describe('the quota of a new pod and the namespace policy', () => {
  it('reads the NamespacePolicy once per pod CREATE (its quota and its defaults)', () => {
    const { view, policyReads } = viewOf();
    const request = {
      uid: 'u',
      kind: { group: '', version: 'v1', kind: 'Pod' },
      operation: 'CREATE',
      namespace: 'n',
      name: 'p',
      object: { metadata: { name: 'p', namespace: 'n' }, spec: { containers: [{ name: 'c' }] } },
    } as unknown as AdmissionRequest;
    const result = newObjectQuota(request, 'n', view, () => NOTHING);
    expect(policyReads()).toBe(1);
    expect(result.demand?.scopes).toEqual(['namespace/n', 'department/d']);
    expect(result.decisions.map((d) => d.rule)).toEqual(['namespace-quota', 'department-quota']);
    // The same scopes as quotaScopes finds, which looks the policy up itself.
    const scopes = quotaScopes('n', 'd', view, () => NOTHING, '');
    expect(policyReads()).toBe(2);
    expect(scopes.map((scope) => `${scope.kind}/${scope.name}`)).toEqual(['namespace/n', 'department/d']);
  });
});
