import type { Department, DepartmentSpec } from '../schema/department.js';
import type { NamespacePolicy, NamespacePolicySpec } from '../schema/namespace-policy.js';
import { checkPolicySet } from './check-policy-set.js';
import type { NamespaceInfo } from './policy-set.js';

function dept(name: string, spec: DepartmentSpec = {}, creationTimestamp?: string): Department {
  return {
    apiVersion: 'corral.dev/v1alpha1',
    kind: 'Department',
    metadata: { name, ...(creationTimestamp === undefined ? {} : { creationTimestamp }) },
    spec,
  };
}

function pol(
  namespace: string,
  name: string,
  spec: NamespacePolicySpec = {},
  creationTimestamp?: string,
): NamespacePolicy {
  return {
    apiVersion: 'corral.dev/v1alpha1',
    kind: 'NamespacePolicy',
    metadata: { name, namespace, ...(creationTimestamp === undefined ? {} : { creationTimestamp }) },
    spec,
  };
}

function ns(name: string, department?: string, extra: Record<string, string> = {}): NamespaceInfo {
  return {
    name,
    labels: { ...(department === undefined ? {} : { 'corral.dev/department': department }), ...extra },
  };
}

const finance = dept('finance', {
  quota: { hard: { 'requests.cpu': '64', pods: 500, 'requests.memory': '256Gi' } },
  images: { allowedRegistries: ['harbor.example.com/finance/', 'harbor.example.com/library'] },
  storage: { pool: 'rbd', radosNamespace: 'finance' },
});
const namespaces = [
  ns('finance-prod', 'finance'),
  ns('finance-dev', 'finance'),
  ns('hr-prod', 'hr'),
  ns('loose'),
];

describe('checkPolicySet', () => {
  it('given two departments on one pool without radosNamespace, returns no problems (rbd/a and rbd/b)', () => {
    // The CSI driver puts each department's volumes in a RADOS namespace named after it.
    const departments = [dept('a', { storage: { pool: 'rbd' } }), dept('b', { storage: { pool: 'rbd' } })];
    expect(checkPolicySet({ departments, policies: [], namespaces: [] })).toEqual([]);
  });

  it('given a consistent set, returns no problems', () => {
    const set = {
      departments: [finance, dept('hr', { storage: { pool: 'rbd', radosNamespace: 'hr' } })],
      policies: [
        pol('finance-prod', 'policy', {
          quota: { hard: { 'requests.cpu': '16', pods: '100', 'requests.memory': '256Gi' } },
          images: {
            allowedRegistries: ['harbor.example.com/finance/payments/', 'harbor.example.com/library/'],
          },
        }),
        pol('loose', 'policy', {
          images: { allowedRegistries: ['docker.io/'] },
          quota: { hard: { pods: '1k' } },
        }),
      ],
      namespaces,
    };
    expect(checkPolicySet(set)).toEqual([]);
  });

  const cases: [name: string, departments: Department[], policies: NamespacePolicy[], expected: object[]][] =
    [
      [
        'a namespace claimed by two departments',
        [
          finance,
          dept('watch', {
            namespaceSelector: { matchExpressions: [{ key: 'corral.dev/department', operator: 'Exists' }] },
          }),
        ],
        [],
        ['finance-dev', 'finance-prod'].map((namespace) => ({
          kind: 'Department',
          name: 'watch',
          field: '/spec/namespaceSelector',
          message: expect.stringContaining(
            `namespace ${namespace} is also claimed by Department finance (same age, name sorts first)`,
          ),
        })),
      ],
      [
        'an older department winning a claim',
        [
          dept('zeta', {}, '2024-01-01T00:00:00Z'),
          dept(
            'alpha',
            { namespaceSelector: { matchLabels: { 'corral.dev/department': 'zeta' } } },
            '2025-01-01T00:00:00Z',
          ),
        ],
        [],
        [
          {
            kind: 'Department',
            name: 'alpha',
            message: expect.stringMatching(
              /^namespace z is also claimed by Department zeta \(older\), so it belongs to zeta/,
            ),
          },
        ],
      ],
      [
        'two departments on one pool and radosNamespace',
        [
          finance,
          dept('hr', { storage: { pool: 'rbd', radosNamespace: 'finance' } }, '2020-01-01T00:00:00Z'),
        ],
        [],
        [
          {
            kind: 'Department',
            name: 'finance',
            field: '/spec/storage',
            message: expect.stringMatching(
              /^radosNamespace finance in pool rbd is also used by Department hr \(older\)/,
            ),
          },
        ],
      ],
      [
        // research's volumes go to rbd/research (its name), which finance names explicitly.
        'a radosNamespace equal to the name of a department on that pool without one',
        [
          dept('research', { storage: { pool: 'rbd' } }, '2020-01-01T00:00:00Z'),
          dept('finance', { storage: { pool: 'rbd', radosNamespace: 'research' } }, '2021-01-01T00:00:00Z'),
        ],
        [],
        [
          {
            kind: 'Department',
            name: 'finance',
            field: '/spec/storage',
            message: expect.stringMatching(
              /^radosNamespace research in pool rbd is also used by Department research \(older\)/,
            ),
          },
        ],
      ],
      [
        'a department without radosNamespace whose name another department uses as its radosNamespace',
        [
          dept('finance', { storage: { pool: 'rbd', radosNamespace: 'research' } }, '2020-01-01T00:00:00Z'),
          dept('research', { storage: { pool: 'rbd' } }, '2021-01-01T00:00:00Z'),
        ],
        [],
        [
          {
            kind: 'Department',
            name: 'research',
            field: '/spec/storage',
            message: expect.stringMatching(
              /^radosNamespace research \(the department's name, as none is set\) in pool rbd is also used by Department finance \(older\).*give it its own spec\.storage\.radosNamespace/,
            ),
          },
        ],
      ],
      [
        'two NamespacePolicies in one namespace',
        [],
        [pol('loose', 'b'), pol('loose', 'a'), pol('finance-dev', 'c')],
        [
          {
            kind: 'NamespacePolicy',
            namespace: 'loose',
            name: 'b',
            field: '/metadata/name',
            message: expect.stringMatching(
              /^namespace loose already has NamespacePolicy a \(same age, name sorts first\)/,
            ),
          },
        ],
      ],
      [
        'a policy widening its department’s registries',
        [finance],
        [
          pol('finance-prod', 'policy', {
            images: {
              allowedRegistries: [
                'harbor.example.com/finance/x',
                'harbor.example.com/financex/',
                'harbor.example.com/',
              ],
            },
          }),
        ],
        [
          {
            namespace: 'finance-prod',
            field: '/spec/images/allowedRegistries/1',
            message: expect.stringMatching(
              /^"harbor.example.com\/financex\/" is outside Department finance's allowedRegistries \(harbor.example.com\/finance\/, harbor.example.com\/library\); a NamespacePolicy may only narrow them$/,
            ),
          },
          {
            namespace: 'finance-prod',
            field: '/spec/images/allowedRegistries/2',
            message: expect.stringContaining('"harbor.example.com/" is outside'),
          },
        ],
      ],
      [
        'a department allowing no registry at all',
        [dept('finance', { images: { allowedRegistries: [] } })],
        [pol('finance-prod', 'policy', { images: { allowedRegistries: ['docker.io/'] } })],
        [
          {
            field: '/spec/images/allowedRegistries/0',
            message: expect.stringContaining('allowedRegistries (none)'),
          },
        ],
      ],
      [
        'a department without allowedRegistries sets no limit',
        [dept('finance')],
        [pol('finance-prod', 'policy', { images: { allowedRegistries: ['docker.io/'] } })],
        [],
      ],
      [
        'a policy quota above its department’s',
        [finance],
        [
          pol('finance-dev', 'policy', {
            quota: {
              hard: { 'requests.cpu': '64001m', pods: 500, 'requests.memory': '257Gi', 'limits.cpu': '1k' },
            },
          }),
        ],
        [
          {
            namespace: 'finance-dev',
            field: '/spec/quota/hard/requests.cpu',
            message:
              "64001m is more than Department finance's quota for requests.cpu (64); the department's quota still caps the namespace",
          },
          {
            namespace: 'finance-dev',
            field: '/spec/quota/hard/requests.memory',
            message: expect.stringContaining('257Gi is more than'),
          },
        ],
      ],
      [
        'a policy quota above its department’s through the cpu/memory shorthands',
        [
          dept('finance', {
            quota: { hard: { 'requests.cpu': 64, memory: '128Gi', 'requests.memory': '256Gi' } },
          }),
        ],
        [
          pol('finance-dev', 'policy', {
            quota: { hard: { cpu: '100', 'requests.memory': '200Gi', memory: '64Gi' } },
          }),
        ],
        [
          {
            namespace: 'finance-dev',
            field: '/spec/quota/hard/cpu',
            message:
              "100 is more than Department finance's quota for requests.cpu (64); the department's quota still caps the namespace",
          },
          {
            namespace: 'finance-dev',
            field: '/spec/quota/hard/requests.memory',
            message: expect.stringContaining(
              "200Gi is more than Department finance's quota for memory (128Gi)",
            ),
          },
        ],
      ],
      [
        'a policy quota above its department’s through the new synonyms and wider keys',
        [
          dept('finance', {
            quota: {
              hard: {
                'count/pods': 50,
                'requests.ephemeral-storage': '10Gi',
                'requests.hugepages-2Mi': '1Gi',
                'count/persistentvolumeclaims': 20,
                'requests.storage': '100Gi',
              },
            },
          }),
        ],
        [
          pol('finance-dev', 'policy', {
            quota: {
              hard: {
                pods: 60,
                'ephemeral-storage': '11Gi',
                'hugepages-2Mi': '2Gi',
                persistentvolumeclaims: 21,
                'gold.storageclass.storage.k8s.io/persistentvolumeclaims': 30,
                'gold.storageclass.storage.k8s.io/requests.storage': '200Gi',
                'silver.storageclass.storage.k8s.io/requests.storage': '100Gi',
              },
            },
          }),
        ],
        [
          [
            'ephemeral-storage',
            "11Gi is more than Department finance's quota for requests.ephemeral-storage",
          ],
          [
            'gold.storageclass.storage.k8s.io~1persistentvolumeclaims',
            "30 is more than Department finance's quota for count/persistentvolumeclaims (20)",
          ],
          [
            'gold.storageclass.storage.k8s.io~1requests.storage',
            "200Gi is more than Department finance's quota for requests.storage (100Gi)",
          ],
          ['hugepages-2Mi', "2Gi is more than Department finance's quota for requests.hugepages-2Mi (1Gi)"],
          [
            'persistentvolumeclaims',
            "21 is more than Department finance's quota for count/persistentvolumeclaims",
          ],
          ['pods', "60 is more than Department finance's quota for count/pods (50)"],
        ].map(([key, message]: string[]) => ({
          namespace: 'finance-dev',
          field: `/spec/quota/hard/${key}`,
          message: expect.stringContaining(message ?? ''),
        })),
      ],
      [
        'a policy count/pods above its department’s pods: terminal pods count there only',
        [dept('finance', { quota: { hard: { pods: 50 } } })],
        [pol('finance-dev', 'policy', { quota: { hard: { 'count/pods': 60 } } })],
        [],
      ],
      [
        'a policy in a namespace no department claims',
        [finance],
        [
          pol('loose', 'policy', {
            images: { allowedRegistries: ['quay.io/'] },
            quota: { hard: { 'requests.cpu': '1k' } },
          }),
        ],
        [],
      ],
      [
        'a policy in a namespace not in the namespace list',
        [finance],
        [pol('ghost', 'policy', { images: { allowedRegistries: ['quay.io/'] } })],
        [],
      ],
    ];

  it.each(cases)('given %s, reports it', (_name, departments, policies, expected) => {
    expect(checkPolicySet({ departments, policies, namespaces: [...namespaces, ns('z', 'zeta')] })).toEqual(
      expected.map((problem) => expect.objectContaining(problem)),
    );
  });

  it('given a source, attaches it to every problem', () => {
    const problems = checkPolicySet({
      departments: [],
      policies: [pol('a', 'x'), pol('a', 'y')],
      namespaces: [],
      source: 'policies/',
    });
    expect(problems).toEqual([expect.objectContaining({ source: 'policies/', name: 'y' })]);
  });

  it('given the same set in any order, returns the same problems in the same order', () => {
    const oldFinance = {
      ...finance,
      metadata: { name: 'finance', creationTimestamp: '2020-01-01T00:00:00Z' },
    };
    const departments = [
      oldFinance,
      dept('b', { storage: { pool: 'rbd', radosNamespace: 'finance' } }),
      dept('all', { namespaceSelector: { matchExpressions: [{ key: 'x', operator: 'DoesNotExist' }] } }),
    ];
    const policies = [
      pol('finance-prod', 'p2'),
      pol('finance-prod', 'p1', { images: { allowedRegistries: ['quay.io/'] } }),
      pol('hr-prod', 'q'),
    ];
    const forward = checkPolicySet({ departments, policies, namespaces });
    const backward = checkPolicySet({
      departments: [...departments].reverse(),
      policies: [...policies].reverse(),
      namespaces: [...namespaces].reverse(),
    });
    expect(backward).toEqual(forward);
    expect(
      forward.map((problem) => `${problem.kind} ${problem.namespace ?? ''}/${problem.name} ${problem.field}`),
    ).toEqual([
      'Department /all /spec/namespaceSelector',
      'Department /all /spec/namespaceSelector',
      'Department /b /spec/storage',
      'NamespacePolicy finance-prod/p1 /spec/images/allowedRegistries/0',
      'NamespacePolicy finance-prod/p2 /metadata/name',
    ]);
  });
});
