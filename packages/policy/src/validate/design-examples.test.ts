import { parseAllDocuments } from 'yaml';
import type { Department } from '../schema/department.js';
import type { NamespacePolicy } from '../schema/namespace-policy.js';
import { checkPolicySet } from './check-policy-set.js';
import { validateDepartment, validateNamespacePolicy } from './validate-object.js';

// Copied from /work/shared/DESIGN.md ("Policy objects by example"); the field names are the contract.
const DESIGN_EXAMPLES = `
apiVersion: corral.dev/v1alpha1
kind: Department                 # cluster-scoped
metadata: {name: finance}
spec:
  namespaceSelector:             # optional; default: matchLabels {corral.dev/department: finance}
    matchLabels: {corral.dev/department: finance}
  nodeIsolation: dedicated       # dedicated | shared (default shared)
  quota:
    hard:                        # ResourceQuota key names, summed over all the department's namespaces
      requests.cpu: "64"
      requests.memory: 256Gi
      limits.memory: 512Gi
      requests.nvidia.com/gpu: "8"
      pods: "500"
      requests.storage: 2Ti
      persistentvolumeclaims: "100"
  images:
    allowedRegistries: [harbor.example.com/finance/, harbor.example.com/library/]   # prefixes
  storage: {pool: rbd, radosNamespace: finance}
status:                          # written by Corral
  namespaces: [finance-prod, finance-dev]
  used: {requests.cpu: "12", pods: "40"}
---
apiVersion: corral.dev/v1alpha1
kind: NamespacePolicy            # namespaced; admins only
metadata: {name: policy, namespace: finance-prod}
spec:
  enforcement: enforce           # enforce | warn | audit
  defaults:
    requests: {cpu: 100m, memory: 128Mi}
    limits: {cpu: "1", memory: 512Mi}
  quota:
    hard: {requests.cpu: "16", pods: "100"}
  images:
    allowedRegistries: [harbor.example.com/finance/payments/]   # narrows the department's list
    deniedRegistries: []
    forbidLatestTag: true
    requireDigest: false
    pullSecrets: [harbor-finance]
  scheduling:
    spread:                      # at most maxPerDomain pods sharing this label value per domain
      - {labelKey: app, topologyKey: kubernetes.io/hostname, maxPerDomain: 1}
    colocate:                    # prefer nodes that already run matching pods
      - {selector: {matchLabels: {app: redis}}, weight: 5}
`;

type Raw = Record<string, unknown>;

function examples(): { department: Raw; policy: Raw } {
  const [department, policy] = parseAllDocuments(DESIGN_EXAMPLES).map((document) => document.toJS() as Raw);
  if (department === undefined || policy === undefined) throw new Error('DESIGN examples did not parse');
  return { department, policy };
}

const REMOVE = Symbol('remove');

/** Sets (or removes) the value at a JSON pointer of a parsed example; every step must exist. */
function change(obj: Raw, pointer: string, value: unknown): void {
  const keys = pointer
    .split('/')
    .slice(1)
    .map((key) => key.replaceAll('~1', '/').replaceAll('~0', '~'));
  const last = keys.pop();
  let node = obj;
  for (const key of keys) node = node[key] as Raw;
  if (last === undefined) throw new Error(`bad pointer ${pointer}`);
  if (value === REMOVE) delete node[last];
  else node[last] = value;
}

function fieldsOf(result: { ok: true } | { ok: false; problems: { field: string }[] }): string[] {
  return result.ok ? [] : result.problems.map((problem) => problem.field);
}

describe('DESIGN.md examples', () => {
  it('given the example Department, validates', () => {
    expect(validateDepartment(examples().department, 'DESIGN.md')).toMatchObject({ ok: true });
  });

  it('given the example NamespacePolicy, validates', () => {
    expect(validateNamespacePolicy(examples().policy, 'DESIGN.md')).toMatchObject({ ok: true });
  });

  it('given both examples and their namespaces, finds no conflict', () => {
    const { department, policy } = examples();
    const labels = { 'corral.dev/department': 'finance' };
    expect(
      checkPolicySet({
        departments: [department as unknown as Department],
        policies: [policy as unknown as NamespacePolicy],
        namespaces: [
          { name: 'finance-prod', labels },
          { name: 'finance-dev', labels },
        ],
      }),
    ).toEqual([]);
  });

  const brokenDepartments: [name: string, pointer: string, value: unknown][] = [
    ['nodeIsolation: isolated', '/spec/nodeIsolation', 'isolated'],
    ['a misspelt quota', '/spec/qouta', {}],
    ['a GPU limit key', '/spec/quota/hard/limits.nvidia.com~1gpu', '8'],
    ['storage 2TB', '/spec/quota/hard/requests.storage', '2TB'],
    ['a namespace', '/metadata/namespace', 'finance'],
    ['a registry with a scheme', '/spec/images/allowedRegistries/0', 'https://harbor.example.com/'],
    ['storage without a pool', '/spec/storage/pool', REMOVE],
  ];

  it.each(brokenDepartments)('given the Department with %s, fails at %s', (_name, pointer, value) => {
    const { department } = examples();
    change(department, pointer, value);
    expect(fieldsOf(validateDepartment(department))).toEqual([pointer]);
  });

  const brokenPolicies: [name: string, pointer: string, value: unknown][] = [
    ['enforcement: block', '/spec/enforcement', 'block'],
    ['no namespace', '/metadata/namespace', REMOVE],
    ['a request above its limit', '/spec/defaults/requests/memory', '1Gi'],
    ['a spread rule without maxPerDomain', '/spec/scheduling/spread/0/maxPerDomain', REMOVE],
    ['forbidLatestTag: "yes"', '/spec/images/forbidLatestTag', 'yes'],
    ['a colocate weight of 0', '/spec/scheduling/colocate/0/weight', 0],
  ];

  it.each(brokenPolicies)('given the NamespacePolicy with %s, fails at %s', (_name, pointer, value) => {
    const { policy } = examples();
    change(policy, pointer, value);
    expect(fieldsOf(validateNamespacePolicy(policy))).toEqual([pointer]);
  });
});
