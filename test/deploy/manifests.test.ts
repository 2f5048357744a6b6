import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type KubeObject, objectKey, parseYamlDocuments, renderKustomization } from './kustomize.js';
import { grants, rightsOf } from './rbac.js';
import { validateObject } from './schemas.js';

const ROOT = resolve(import.meta.dirname, '../..');
const SYSTEM_NS = 'corral-system';

/** Every kustomization in deploy/: the services' own, the default install and each overlay. */
const SERVICE_DIRS = [
  'deploy/crds',
  'deploy/scheduler-extender',
  'deploy/admission',
  'deploy/admission/cert-manager',
  'deploy/csi-ceph',
  // Optional, applied on its own (docs/admin-guide.md); its ConfigMap's label is what Grafana looks for.
  'deploy/dashboards',
];
/** What an admin installs: these must meet every production rule below. */
const INSTALLS = ['deploy/default', 'deploy/overlays/with-cert-manager', 'deploy/overlays/second-scheduler'];
const ALL = [...SERVICE_DIRS, ...INSTALLS];

const rendered = new Map<string, KubeObject[]>();
function render(dir: string): KubeObject[] {
  let objects = rendered.get(dir);
  if (!objects) {
    objects = renderKustomization(join(ROOT, dir));
    rendered.set(dir, objects);
  }
  return structuredClone(objects);
}

interface CrdSpec {
  group: string;
  names: { plural: string };
  versions: { subresources?: { status?: object } }[];
}

const byKind = (objects: readonly KubeObject[], kind: string) => objects.filter((o) => o.kind === kind);
function find(objects: readonly KubeObject[], kind: string, name: string): KubeObject {
  const obj = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!obj) throw new Error(`${kind} ${name} is missing`);
  return obj;
}

interface Probe {
  httpGet?: { path?: string; port?: string | number };
}
interface Container {
  name: string;
  args?: string[];
  ports?: { name?: string; containerPort: number }[];
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  resources?: { requests?: Record<string, string> };
}
interface PodSpec {
  serviceAccountName?: string;
  priorityClassName?: string;
  schedulerName?: string;
  containers: Container[];
  topologySpreadConstraints?: unknown[];
  volumes?: { name: string; secret?: { secretName: string }; configMap?: { name: string } }[];
}
const podSpec = (workload: KubeObject) => (workload['spec'] as { template: { spec: PodSpec } }).template.spec;
const workloads = (objects: readonly KubeObject[]) =>
  objects.filter((o) => o.kind === 'Deployment' || o.kind === 'DaemonSet');

// ---------------------------------------------------------------------------------------------------
// What each ServiceAccount's code does against the API, and nothing more. Rows: `scope group
// resources[/resourceName] verbs` (scope `cluster` or a namespace). Sources: extender —
// packages/cluster informers (list/watch of six kinds) and effects/bind-pod.ts (create pods/binding,
// get pods on a 409); admission — the same informers, effects/lease-reservation-store.ts and
// @corral/runtime's leader election (read/create/replace Leases in corral-system),
// effects/policy-status-writer.ts (patch departments/status and namespacepolicies/status),
// @corral/runtime's event recorder (create/patch events.k8s.io Events; get one after a 409), and with
// --tls-bootstrap-secret effects/tls/ (get/watch/update its Secret, create Secrets, get/watch/patch
// the two webhook configurations); CSI controller —
// the same informers plus the documented RBAC of external-provisioner v5, external-resizer v1.13 and
// the external-snapshotter sidecar v8 (with leader election), and the Secrets its StorageClass names;
// CSI node — nothing (node-driver-registrar talks to kubelet, the driver has no kubeconfig);
// corral-scheduler — a stock kube-scheduler: the built-in roles plus its own Lease.
const SIX_KINDS = [
  'cluster core nodes,namespaces,pods,persistentvolumeclaims list,watch',
  'cluster corral.dev departments,namespacepolicies list,watch',
];
const ADMISSION_ROWS = [
  ...SIX_KINDS,
  'cluster corral.dev departments/status,namespacepolicies/status patch',
  'cluster events.k8s.io events create,patch,get',
  `${SYSTEM_NS} coordination.k8s.io leases get,create,update`,
];
/** The certificate bootstrap's rights; overlays/with-cert-manager turns it off and drops them. */
const TLS_BOOTSTRAP_ROWS = [
  `${SYSTEM_NS} core secrets/corral-admission-tls get,watch,update`,
  `${SYSTEM_NS} core secrets create`,
  'cluster admissionregistration.k8s.io mutatingwebhookconfigurations/corral-admission,validatingwebhookconfigurations/corral-admission get,watch,patch',
];
type RbacTable = Record<string, { rows: string[]; externalRoles?: string[] }>;
const RBAC_TABLE: RbacTable = {
  'corral-extender': { rows: [...SIX_KINDS, 'cluster core pods/binding create', 'cluster core pods get'] },
  'corral-admission': {
    rows: [...ADMISSION_ROWS, ...TLS_BOOTSTRAP_ROWS],
  },
  'corral-csi-controller': {
    rows: [
      ...SIX_KINDS,
      'cluster core nodes get',
      'cluster core persistentvolumes get,list,watch,create,delete,patch',
      'cluster core persistentvolumeclaims get,update',
      'cluster core persistentvolumeclaims/status patch',
      'cluster core events list,watch,create,update,patch',
      'cluster storage.k8s.io storageclasses,csinodes,volumeattachments get,list,watch',
      'cluster snapshot.storage.k8s.io volumesnapshots get,list',
      'cluster snapshot.storage.k8s.io volumesnapshotclasses get,list,watch',
      'cluster snapshot.storage.k8s.io volumesnapshotcontents get,list,watch,update,patch',
      'cluster snapshot.storage.k8s.io volumesnapshotcontents/status update,patch',
      `${SYSTEM_NS} coordination.k8s.io leases get,list,watch,create,update,delete`,
      `${SYSTEM_NS} core secrets get`,
    ],
  },
  'corral-csi-node': { rows: [] },
  'corral-scheduler': {
    rows: [
      `${SYSTEM_NS} coordination.k8s.io leases create`,
      `${SYSTEM_NS} coordination.k8s.io leases/corral-scheduler get,update`,
    ],
    externalRoles: [
      'ClusterRole/system:kube-scheduler',
      'ClusterRole/system:volume-scheduler',
      'Role/kube-system/extension-apiserver-authentication-reader',
    ],
  },
};

/** With the bootstrap off (cert-manager writes the Secret), the admission service has none of its rights. */
const RBAC_OVERRIDES: Record<string, RbacTable> = {
  'deploy/overlays/with-cert-manager': { 'corral-admission': { rows: ADMISSION_ROWS } },
};

function workloadProblems(objects: readonly KubeObject[]): string[] {
  const problems: string[] = [];
  for (const w of workloads(objects)) {
    const spec = podSpec(w);
    const at = `${w.kind} ${w.metadata.name}`;
    if (!spec.containers.some((c) => c.livenessProbe?.httpGet?.path === '/healthz'))
      problems.push(`${at}: no /healthz liveness`);
    if (!spec.containers.some((c) => c.readinessProbe?.httpGet?.path === '/readyz'))
      problems.push(`${at}: no /readyz readiness`);
    for (const c of spec.containers) {
      if (!c.resources?.requests?.['cpu'] || !c.resources.requests['memory'])
        problems.push(`${at}/${c.name}: no cpu+memory requests`);
    }
    const sa = spec.serviceAccountName;
    if (!sa || !objects.some((o) => o.kind === 'ServiceAccount' && o.metadata.name === sa))
      problems.push(`${at}: no ServiceAccount`);
  }
  return problems;
}

/** Deployments without a topology spread constraint over zones. */
function unspreadDeployments(objects: readonly KubeObject[]): string[] {
  return byKind(objects, 'Deployment')
    .filter(
      (d) =>
        !(podSpec(d).topologySpreadConstraints ?? []).some(
          (t) => (t as { topologyKey: string }).topologyKey === 'topology.kubernetes.io/zone',
        ),
    )
    .map((d) => d.metadata.name);
}

function deploymentsWithoutPdb(objects: readonly KubeObject[]): string[] {
  const selected = byKind(objects, 'PodDisruptionBudget').map(
    (p) =>
      (p['spec'] as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels[
        'app.kubernetes.io/name'
      ],
  );
  return byKind(objects, 'Deployment')
    .map((d) => d.metadata.name)
    .filter((n) => !selected.includes(n));
}

/** Roles with no rules (nor an aggregationRule) and bindings with no subjects, as `Kind/name`. */
function emptyRbac(objects: readonly KubeObject[]): string[] {
  const isEmpty = (list: unknown) => !Array.isArray(list) || list.length === 0;
  return objects
    .filter((o) => o.apiVersion.startsWith('rbac.authorization.k8s.io/'))
    .filter((o) =>
      o.kind.endsWith('Binding') ? isEmpty(o['subjects']) : isEmpty(o['rules']) && !o['aggregationRule'],
    )
    .map((o) => `${o.kind}/${o.metadata.name}`);
}

function expectExactRbac(dir: string): void {
  const objects = render(dir);
  const table = { ...RBAC_TABLE, ...RBAC_OVERRIDES[dir] };
  const accounts = byKind(objects, 'ServiceAccount').map((sa) => sa.metadata.name);
  expect(accounts.length).toBeGreaterThan(0);
  expect(accounts.filter((name) => !(name in table))).toEqual([]);
  for (const name of accounts) {
    const entry = table[name];
    if (!entry) continue;
    const rights = rightsOf(objects, SYSTEM_NS, name);
    expect({
      name,
      granted: [...rights.permissions].sort(),
      external: [...rights.externalRoles].sort(),
    }).toEqual({
      name,
      granted: [...new Set(entry.rows.flatMap(grants))].sort(),
      external: [...(entry.externalRoles ?? [])].sort(),
    });
  }
}

describe('the kustomize loader', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'corral-kustomize-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const cm = 'apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata: {}\n';
  it.each([
    ['an unsupported field', 'resources: [a.yaml]\nimages: []\n', /unsupported field\(s\) images/],
    ['a missing resource', 'resources: [missing.yaml]\n', /resource missing.yaml does not exist/],
    [
      'a patch whose test fails',
      'resources: [a.yaml]\npatches:\n  - target: {kind: Secret}\n    patch: "[{op: test, path: /type, value: x}]"\n',
      /inline patch.*Secret/,
    ],
    [
      'a patch that matches nothing',
      'resources: [a.yaml]\npatches:\n  - target: {kind: Pod}\n    patch: "[{op: remove, path: /data}]"\n',
      /matches no object/,
    ],
    [
      'a strategic-merge patch',
      'resources: [a.yaml]\npatches:\n  - path: a.yaml\n',
      /only JSON 6902 patches/,
    ],
    [
      'a $patch: delete of an object that is not there',
      'resources: [a.yaml]\npatches:\n  - patch: "{$patch: delete, apiVersion: v1, kind: Secret, metadata: {name: t}}"\n',
      /v1\/Secret\/\/t matches 0 objects/,
    ],
    [
      'a $patch: delete in another namespace',
      'resources: [a.yaml]\npatches:\n  - patch: "{$patch: delete, apiVersion: v1, kind: Secret, metadata: {name: s, namespace: x}}"\n',
      /matches 0 objects/,
    ],
    [
      'a $patch: delete whose target matches nothing',
      'resources: [a.yaml]\npatches:\n  - target: {kind: Pod}\n    patch: "{$patch: delete, kind: Pod, metadata: {name: p}}"\n',
      /matches no object/,
    ],
    [
      'a generator field it does not render',
      'configMapGenerator: [{name: c, envs: [f.env]}]\ngeneratorOptions: {disableNameSuffixHash: true}\n',
      /configMapGenerator c: unsupported field\(s\) envs/,
    ],
    [
      'a generator option it does not render',
      'configMapGenerator: [{name: c, literals: [a=b], options: {immutable: true}}]\ngeneratorOptions: {disableNameSuffixHash: true}\n',
      /configMapGenerator c: unsupported field\(s\) options.immutable/,
    ],
    [
      'two $patch: delete documents in one entry',
      'resources: [a.yaml]\npatches:\n  - path: del.yaml\n',
      /only JSON 6902 patches.*one document with \$patch: delete/,
    ],
  ])('given %s, throws a clear error', (_case, kustomization, message) => {
    writeFileSync(join(dir, 'a.yaml'), cm);
    writeFileSync(join(dir, 'del.yaml'), `$patch: delete\n${cm}---\n$patch: delete\n${cm}`);
    writeFileSync(join(dir, 'kustomization.yaml'), kustomization);
    expect(() => renderKustomization(dir)).toThrow(message);
  });

  it('given strategic-merge $patch: delete patches, removes exactly the objects they name or target', () => {
    const secret = (name: string, namespace: string) =>
      `apiVersion: v1\nkind: Secret\nmetadata: {name: ${name}, namespace: ${namespace}}\n`;
    writeFileSync(
      join(dir, 'a.yaml'),
      [
        secret('s', 'a'),
        secret('s', 'b'),
        secret('t', 'a'),
        secret('u', 'a'),
        'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: s, namespace: a}\n',
      ].join('---\n'),
    );
    writeFileSync(
      join(dir, 'del.yaml'),
      '$patch: delete\napiVersion: v1\nkind: Secret\nmetadata: {name: t}\n',
    );
    writeFileSync(
      join(dir, 'kustomization.yaml'),
      [
        'resources: [a.yaml]',
        'patches:',
        '  - patch: "{$patch: delete, apiVersion: v1, kind: Secret, metadata: {name: s, namespace: b}}"',
        '  - path: del.yaml',
        '  - target: {kind: Secret, name: u}',
        '    patch: "{$patch: delete, kind: Secret, metadata: {name: u}}"',
      ].join('\n'),
    );
    expect(renderKustomization(dir).map(objectKey)).toEqual(['v1/Secret/a/s', 'v1/ConfigMap/a/s']);
  });

  it('given a $patch: delete without namespace that names objects in two namespaces, refuses it', () => {
    const secret = (namespace: string) =>
      `apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: ${namespace}}\n`;
    writeFileSync(join(dir, 'a.yaml'), `${secret('a')}---\n${secret('b')}`);
    writeFileSync(
      join(dir, 'kustomization.yaml'),
      'resources: [a.yaml]\npatches:\n  - patch: "{$patch: delete, apiVersion: v1, kind: Secret, metadata: {name: s}}"\n',
    );
    expect(() => renderKustomization(dir)).toThrow(/matches 2 objects \(needs exactly one\)/);
  });

  it('given YAML 1.1 octal and an empty document, returns the apiserver reading', () => {
    expect(parseYamlDocuments('a: 0400\n---\n---\nb: 1\n', 'x')).toEqual([{ a: 256 }, { b: 1 }]);
  });

  it('given namespace, labels, a generator and a patch, returns the transformed objects', () => {
    writeFileSync(
      join(dir, 'a.yaml'),
      `${cm}---\napiVersion: v1\nkind: Namespace\nmetadata: {name: other}\n`,
    );
    writeFileSync(join(dir, 'f.txt'), 'hello');
    writeFileSync(
      join(dir, 'kustomization.yaml'),
      [
        'namespace: ns',
        'resources: [a.yaml]',
        'labels: [{pairs: {team: x}}]',
        'configMapGenerator: [{name: c, files: [f.txt], options: {labels: {grafana_dashboard: "1"}}}]',
        'generatorOptions: {disableNameSuffixHash: true}',
        'patches: [{target: {kind: Secret, name: s}, patch: "[{op: add, path: /type, value: Opaque}]"}]',
      ].join('\n'),
    );
    const objects = renderKustomization(dir);
    expect(objects.map(objectKey)).toEqual(['v1/Secret/ns/s', 'v1/Namespace//other', 'v1/ConfigMap/ns/c']);
    expect(objects[0]).toMatchObject({ type: 'Opaque', metadata: { labels: { team: 'x' } } });
    expect(objects[2]).toMatchObject({
      data: { 'f.txt': 'hello' },
      metadata: { labels: { team: 'x', grafana_dashboard: '1' } },
    });
  });
});

describe.each(ALL)('%s', (dir) => {
  it('renders, and every object is valid against its schema', async () => {
    const objects = render(dir);
    expect(objects.length).toBeGreaterThan(0);
    const problems: string[] = [];
    for (const obj of objects)
      for (const p of await validateObject(obj)) problems.push(`${objectKey(obj)}: ${p}`);
    expect(problems).toEqual([]);
  });
});

describe('schema validation', () => {
  it.each([
    ['a bad quantity', { containers: [{ name: 'a', resources: { requests: { cpu: 'lots' } } }] }, /quantity/],
    [
      'a port that is not a number',
      { containers: [{ name: 'a', ports: [{ containerPort: 'x' }] }] },
      /integer/,
    ],
  ])('given a Deployment with %s, returns a problem', async (_case, spec, message) => {
    const obj = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd' },
      spec: { selector: {}, template: { spec } },
    };
    expect((await validateObject(obj)).join()).toMatch(message);
  });

  it.each([
    [
      'an unknown kind',
      { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } },
      /no schema known/,
    ],
    [
      'a Certificate without dnsNames',
      {
        apiVersion: 'cert-manager.io/v1',
        kind: 'Certificate',
        metadata: { name: 'c', namespace: 'n' },
        spec: { secretName: 's', issuerRef: { name: 'i' } },
      },
      /dnsNames/,
    ],
    [
      'an Issuer without a type',
      { apiVersion: 'cert-manager.io/v1', kind: 'Issuer', metadata: { name: 'i' }, spec: {} },
      /exactly one/,
    ],
    [
      'a CA Issuer without its Secret',
      { apiVersion: 'cert-manager.io/v1', kind: 'Issuer', metadata: { name: 'i' }, spec: { ca: {} } },
      /spec.ca.secretName is required/,
    ],
  ])('given %s, returns a problem', async (_case, obj, message) => {
    expect((await validateObject(obj)).join()).toMatch(message);
  });
});

describe.each(INSTALLS)('%s (production rules)', (dir) => {
  it('puts every namespaced Corral object in corral-system and ships the Namespace', () => {
    const objects = render(dir);
    find(objects, 'Namespace', SYSTEM_NS);
    const elsewhere = objects
      .filter((o) => o.metadata.namespace !== undefined && o.metadata.namespace !== SYSTEM_NS)
      .map(objectKey);
    // The only exception: a second scheduler must read the authentication ConfigMap in kube-system.
    expect(
      elsewhere.filter((k) => !k.endsWith('/kube-system/corral-scheduler-authentication-reader')),
    ).toEqual([]);
  });

  it('gives every Deployment and DaemonSet probes on /healthz and /readyz, requests and an existing ServiceAccount', () => {
    const objects = render(dir);
    expect(workloads(objects).length).toBeGreaterThanOrEqual(4);
    expect(workloadProblems(objects)).toEqual([]);
  });

  it('runs the webhook and the extender at Corral priority, spread over nodes and zones', () => {
    const objects = render(dir);
    find(objects, 'PriorityClass', 'corral-critical');
    for (const name of ['corral-admission', 'corral-extender']) {
      expect(podSpec(find(objects, 'Deployment', name)).priorityClassName).toBe('corral-critical');
    }
    expect(unspreadDeployments(objects)).toEqual([]);
  });

  it('has a PodDisruptionBudget for every Deployment', () => {
    expect(deploymentsWithoutPdb(render(dir))).toEqual([]);
  });

  it('lets every PodDisruptionBudget evict a replica that is not Ready (a drain is never blocked by it)', () => {
    const policies = byKind(render(dir), 'PodDisruptionBudget').map((pdb) => [
      pdb.metadata.name,
      (pdb['spec'] as { unhealthyPodEvictionPolicy?: string }).unhealthyPodEvictionPolicy,
    ]);
    expect(policies.length).toBeGreaterThanOrEqual(3);
    expect(policies.filter(([, policy]) => policy !== 'AlwaysAllow')).toEqual([]);
  });

  it('ships no RBAC object that grants or binds nothing (the CSI node role aside)', () => {
    // deploy/csi-ceph/rbac-node.yaml: the node plugin makes no API call, and its role documents
    // where `get nodes` goes once --topology-labels is used.
    expect(emptyRbac(render(dir))).toEqual(['ClusterRole/corral-csi-node']);
  });

  it('makes every webhook fail closed, side-effect free, and never apply to kube-system or corral-system', () => {
    const objects = render(dir);
    const services = byKind(objects, 'Service');
    const hooks = [
      ...byKind(objects, 'MutatingWebhookConfiguration'),
      ...byKind(objects, 'ValidatingWebhookConfiguration'),
    ];
    expect(hooks).toHaveLength(2);
    // Every webhook is checked below: none may hide in a configuration the loops would skip.
    expect(hooks.flatMap((config) => (config['webhooks'] as { name: string }[]).map((h) => h.name))).toEqual([
      'pods.mutate.corral.dev',
      'workloads.validate.corral.dev',
      'namespaces.validate.corral.dev',
      'policies.validate.corral.dev',
    ]);
    for (const config of hooks) {
      for (const hook of config['webhooks'] as Record<string, unknown>[]) {
        const expressions =
          (hook['namespaceSelector'] as { matchExpressions?: Record<string, unknown>[] } | undefined)
            ?.matchExpressions ?? [];
        const excluded = expressions.find(
          (e) => e['key'] === 'kubernetes.io/metadata.name' && e['operator'] === 'NotIn',
        );
        const service = (hook['clientConfig'] as { service: { name: string; port: number } }).service;
        const target = services.find((s) => s.metadata.name === service.name);
        const ports = ((target?.['spec'] as { ports?: { port: number }[] } | undefined)?.ports ?? []).map(
          (p) => p.port,
        );
        expect({
          name: hook['name'],
          failurePolicy: hook['failurePolicy'],
          sideEffectsOk: ['None', 'NoneOnDryRun'].includes(hook['sideEffects'] as string),
          excluded: [...((excluded?.['values'] as string[] | undefined) ?? [])].sort(),
          servicePortExists: ports.includes(service.port),
        }).toEqual({
          name: hook['name'],
          failurePolicy: 'Fail',
          sideEffectsOk: true,
          excluded: ['corral-system', 'kube-system'],
          servicePortExists: true,
        });
      }
    }
  });

  it("sends one kube-scheduler's extender calls to one replica (assumed pods are per replica)", () => {
    const spec = find(render(dir), 'Service', 'corral-extender')['spec'] as Record<string, unknown>;
    expect(spec['sessionAffinity']).toBe('ClientIP');
    const timeout = (spec['sessionAffinityConfig'] as { clientIP?: { timeoutSeconds?: number } } | undefined)
      ?.clientIP?.timeoutSeconds;
    // At least an hour (the default, 3 h, when unset): long enough that scheduling bursts never switch.
    expect(timeout ?? 10_800).toBeGreaterThanOrEqual(3600);
  });

  it('opens exactly the service ports in NetworkPolicies, and each selects a workload that listens there', () => {
    const objects = render(dir);
    const expected: Record<string, number[]> = {
      'corral-admission': [8443],
      'corral-extender': [8888],
      'corral-csi-controller': [9680, 9808],
    };
    for (const [name, ports] of Object.entries(expected)) {
      const policy = find(objects, 'NetworkPolicy', name)['spec'] as {
        podSelector: { matchLabels: Record<string, string> };
        policyTypes: string[];
        ingress: { ports: { port: number }[] }[];
      };
      const workload = workloads(objects).find(
        (w) => w.metadata.name === policy.podSelector.matchLabels['app.kubernetes.io/name'],
      );
      const listening = podSpec(
        workload ?? ({ spec: { template: { spec: { containers: [] } } } } as never),
      ).containers.flatMap((c) => (c.ports ?? []).map((p) => p.containerPort));
      const open = policy.ingress.flatMap((rule) => rule.ports.map((p) => p.port));
      expect({ name, open, policyTypes: policy.policyTypes }).toEqual({
        name,
        open: ports,
        policyTypes: ['Ingress', 'Egress'],
      });
      expect(ports.filter((p) => !listening.includes(p))).toEqual([]);
    }
  });

  it('grants each ServiceAccount exactly the verbs its code uses (table above), no more and no less', () => {
    expectExactRbac(dir);
  });

  it('lets the admission service patch the status of exactly the Corral CRDs with a status subresource', () => {
    const objects = render(dir);
    const withStatus = byKind(objects, 'CustomResourceDefinition')
      .map((crd) => crd['spec'] as CrdSpec)
      .filter((spec) => spec.group === 'corral.dev' && spec.versions.every((v) => v.subresources?.status))
      .map((spec) => `${spec.names.plural}/status`)
      .sort();
    const patched = [...rightsOf(objects, SYSTEM_NS, 'corral-admission').permissions]
      .map((permission) => permission.split(' '))
      .filter(([scope, group, resource, verb]) => {
        return (
          scope === 'cluster' && group === 'corral.dev' && resource?.endsWith('/status') && verb === 'patch'
        );
      })
      .map(([, , resource]) => resource)
      .sort();
    expect(withStatus).toEqual(['departments/status', 'namespacepolicies/status']);
    expect(patched).toEqual(withStatus);
  });
});

/** Each service directory is complete on its own: `kubectl apply -k deploy/<service>` is production-ready. */
describe.each(['deploy/scheduler-extender', 'deploy/admission', 'deploy/csi-ceph'])(
  '%s on its own',
  (dir) => {
    it('gives every workload probes, requests and an existing ServiceAccount', () => {
      const objects = render(dir);
      expect(workloads(objects).length).toBeGreaterThanOrEqual(1);
      expect(workloadProblems(objects)).toEqual([]);
    });

    it('spreads every Deployment over zones and protects it with a PodDisruptionBudget', () => {
      const objects = render(dir);
      expect(unspreadDeployments(objects)).toEqual([]);
      expect(deploymentsWithoutPdb(objects)).toEqual([]);
    });

    it('grants each ServiceAccount exactly the verbs its code uses (table above), no more and no less', () => {
      expectExactRbac(dir);
    });
  },
);

describe('deploy/overlays/with-cert-manager', () => {
  it('has cainjector inject the CA of the Certificate whose Secret the admission pods mount', () => {
    const objects = render('deploy/overlays/with-cert-manager');
    const cert = find(objects, 'Certificate', 'corral-admission');
    const spec = cert['spec'] as { secretName: string; dnsNames: string[]; issuerRef: { name: string } };
    find(objects, 'Issuer', spec.issuerRef.name);
    for (const kind of ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration']) {
      expect(
        find(objects, kind, 'corral-admission').metadata.annotations?.['cert-manager.io/inject-ca-from'],
      ).toBe(`${cert.metadata.namespace}/${cert.metadata.name}`);
    }
    const volumes = podSpec(find(objects, 'Deployment', 'corral-admission')).volumes ?? [];
    expect(volumes.map((v) => v.secret?.secretName)).toContain(spec.secretName);
    expect(spec.dnsNames).toContain('corral-admission.corral-system.svc');
  });
});

describe('deploy/overlays/second-scheduler', () => {
  type SchedulerConfig = {
    profiles?: { schedulerName: string }[];
    leaderElection?: { resourceName?: string };
    extenders?: unknown[];
    clientConnection?: { kubeconfig?: string };
  };
  const configOf = (objects: readonly KubeObject[]) => {
    const data = find(objects, 'ConfigMap', 'corral-scheduler-config')['data'] as Record<string, string>;
    return parseYamlDocuments(
      data['scheduler-config.yaml'] ?? '',
      'scheduler-config.yaml',
    )[0] as SchedulerConfig;
  };

  it('runs kube-scheduler as corral-scheduler with the extender stanza of deploy/scheduler-extender', () => {
    const objects = render('deploy/overlays/second-scheduler');
    const config = configOf(objects);
    expect(config.profiles?.map((p) => p.schedulerName)).toEqual(['corral-scheduler']);
    expect(config.leaderElection?.resourceName).toBe('corral-scheduler');
    expect(config.clientConnection?.kubeconfig).toBeUndefined();
    expect(config.extenders).toEqual(configOf(render('deploy/scheduler-extender')).extenders);
    const spec = podSpec(find(objects, 'Deployment', 'corral-scheduler'));
    expect(spec.volumes?.map((v) => v.configMap?.name)).toContain('corral-scheduler-config');
  });

  it("has the admission service send tenant pods to that scheduler's profile", () => {
    const objects = render('deploy/overlays/second-scheduler');
    const [profile] = configOf(objects).profiles ?? [];
    const args = podSpec(find(objects, 'Deployment', 'corral-admission')).containers[0]?.args ?? [];
    expect(args).toContain(`--scheduler-name=${profile?.schedulerName}`);
    const plain = podSpec(find(render('deploy/default'), 'Deployment', 'corral-admission')).containers[0]
      ?.args;
    expect(plain?.some((arg) => arg.startsWith('--scheduler-name'))).toBe(false);
  });
});

/** Every JSON 6902 patch in deploy/: its file (or kustomization, for inline ones) and its operations. */
function jsonPatches(): { source: string; ops: { op: string; path: string }[] }[] {
  return ALL.flatMap((dir) => {
    const file = join(ROOT, dir, 'kustomization.yaml');
    const [k] = parseYamlDocuments(readFileSync(file, 'utf8'), file) as {
      patches?: { path?: string; patch?: string }[];
    }[];
    return (k?.patches ?? []).flatMap((patch) => {
      const source = patch.path ? join(dir, patch.path) : `${dir}/kustomization.yaml (inline)`;
      const text = patch.path ? readFileSync(join(ROOT, dir, patch.path), 'utf8') : (patch.patch ?? '');
      const [doc] = parseYamlDocuments(text, source);
      return Array.isArray(doc) ? [{ source, ops: doc as { op: string; path: string }[] }] : [];
    });
  });
}

describe('JSON 6902 patches (docs/adr/0013)', () => {
  it('found the patches of the overlays and the default install', () => {
    expect(jsonPatches().length).toBeGreaterThanOrEqual(5);
  });

  it.each(jsonPatches().map((p) => [p.source, p.ops] as const))(
    'given %s, tests the container it indexes before changing it (a reordering fails the build)',
    (_source, ops) => {
      const untested = ops
        .map((op, i) => ({ op, i, index: /\/containers\/(\d+)(\/|$)/.exec(op.path)?.[1] }))
        .filter(({ op, index }) => index !== undefined && op.op !== 'test')
        .filter(
          ({ i, index }) =>
            !ops
              .slice(0, i)
              .some((t) => t.op === 'test' && t.path.startsWith(`/spec/template/spec/containers/${index}/`)),
        )
        .map(({ op }) => `${op.op} ${op.path}`);
      expect(untested).toEqual([]);
    },
  );
});

describe('deploy/dashboards', () => {
  it("ships the dashboard as a ConfigMap with the label Grafana's dashboard sidecar selects", () => {
    const [configMap, ...rest] = render('deploy/dashboards');
    expect(rest).toEqual([]);
    expect(configMap?.metadata.labels?.['grafana_dashboard']).toBe('1');
    const dashboard = JSON.parse((configMap?.['data'] as Record<string, string>)['corral.json'] ?? '') as {
      uid?: string;
    };
    expect(dashboard.uid).toBe('corral-overview');
  });
});

describe('Dockerfile', () => {
  it('starts the corral bin that packages/cli declares', () => {
    const bin = (
      JSON.parse(readFileSync(join(ROOT, 'packages/cli/package.json'), 'utf8')) as { bin: { corral: string } }
    ).bin.corral;
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    expect(dockerfile).toContain(`"/app/packages/cli/${bin.replace(/^\.\//, '')}"`);
    expect(dockerfile).toMatch(/^FROM node:20-bookworm-slim/m);
  });

  it('installs the Debian package of every program the CSI node service runs, and of each mounter', () => {
    const packages = new Set(
      /apt-get install -y --no-install-recommends \\\n([^&]*)&&/
        .exec(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'))?.[1]
        ?.split(/\s+/),
    );
    const programs = nodeServicePrograms();
    // Beside what the source names: mkfs.<fs> per supported fs type, and rbd-nbd, which `rbd device
    // map --device-type nbd` (--mounter=rbd-nbd) runs.
    for (const extra of ['mkfs.ext4', 'mkfs.xfs', 'rbd-nbd']) programs.add(extra);
    programs.delete('mkfs.${fsType}');
    const missing = [...programs].filter(
      (program) => !packages.has(DEBIAN_PACKAGE_OF[program] ?? `(no package known for ${program})`),
    );
    expect(missing).toEqual([]);
    expect(programs.size).toBeGreaterThan(10);
  });
});

/** Where each program the CSI node service runs comes from on Debian bookworm. */
const DEBIAN_PACKAGE_OF: Readonly<Record<string, string>> = {
  rbd: 'ceph-common',
  'rbd-fuse': 'rbd-fuse',
  'rbd-nbd': 'rbd-nbd',
  blkid: 'util-linux',
  blockdev: 'util-linux',
  losetup: 'mount',
  mount: 'mount',
  umount: 'mount',
  e2fsck: 'e2fsprogs',
  resize2fs: 'e2fsprogs',
  dumpe2fs: 'e2fsprogs',
  'mkfs.ext4': 'e2fsprogs',
  'mkfs.xfs': 'xfsprogs',
  xfs_growfs: 'xfsprogs',
};

/** The programs named in run()/runOk() calls of the CSI node code (plugins/csi-ceph/src/effects/node). */
function nodeServicePrograms(): Set<string> {
  const dir = join(ROOT, 'plugins/csi-ceph/src/effects/node');
  const programs = new Set<string>();
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'))) {
    for (const match of readFileSync(join(dir, file), 'utf8').matchAll(/\brun(?:Ok)?\(\s*['`]([^'`]+)['`]/g))
      programs.add(match[1] as string);
  }
  return programs;
}

const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;

describe('kubectl kustomize (an extra check; needs kubectl on PATH)', () => {
  it.skipIf(!kubectl).each(ALL)('renders %s exactly as the loader does', (dir) => {
    const out = execFileSync('kubectl', ['kustomize', join(ROOT, dir)], {
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    });
    const theirs = new Map(parseYamlDocuments(out, 'kubectl').map((o) => [objectKey(o as KubeObject), o]));
    const ours = new Map(render(dir).map((o) => [objectKey(o), o]));
    expect([...ours.keys()].sort()).toEqual([...theirs.keys()].sort());
    for (const [key, obj] of ours) expect({ key, obj }).toEqual({ key, obj: theirs.get(key) });
  });
});

describe('rightsOf', () => {
  const role = (rules: unknown[]): KubeObject => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: 'r' },
    rules,
  });
  const binding = (kind: string, roleKind: string, namespace?: string): KubeObject => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind,
    metadata: { name: 'b', ...(namespace ? { namespace } : {}) },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: roleKind, name: 'r' },
    subjects: [{ kind: 'ServiceAccount', name: 'sa', namespace: SYSTEM_NS }],
  });

  it.each([
    [
      'a ClusterRoleBinding to a role with an extra verb',
      [
        role([{ apiGroups: [''], resources: ['pods'], verbs: ['list', 'delete'] }]),
        binding('ClusterRoleBinding', 'ClusterRole'),
      ],
      ['cluster core pods delete', 'cluster core pods list'],
      [],
    ],
    [
      'a RoleBinding to a ClusterRole',
      [
        role([{ apiGroups: ['apps'], resources: ['*'], verbs: ['get'] }]),
        binding('RoleBinding', 'ClusterRole', 'x'),
      ],
      ['x apps * get'],
      [],
    ],
    [
      'a binding to a role that is not in the set',
      [binding('ClusterRoleBinding', 'ClusterRole')],
      [],
      ['ClusterRole/r'],
    ],
  ])('given %s, returns every permission it carries', (_case, objects, permissions, external) => {
    const rights = rightsOf(objects, SYSTEM_NS, 'sa');
    expect([...rights.permissions].sort()).toEqual(permissions);
    expect([...rights.externalRoles]).toEqual(external);
  });
});
