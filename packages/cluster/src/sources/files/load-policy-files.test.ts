import { mkdir, mkdtemp, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPolicyFiles } from './load-policy-files.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'corral-files-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const DEPARTMENT = `apiVersion: corral.dev/v1alpha1
kind: Department
metadata: {name: finance}
spec: {nodeIsolation: dedicated}
`;
const NAMESPACE = `apiVersion: v1
kind: Namespace
metadata: {name: finance-prod, labels: {corral.dev/department: finance}}
`;

describe('loadPolicyFiles', () => {
  it('reads multi-document files, lists and JSON, recursively and in path order', async () => {
    await mkdir(join(dir, 'sub'));
    await writeFile(join(dir, 'b.yaml'), `${DEPARTMENT}---\n${NAMESPACE}---\n`);
    const list = {
      apiVersion: 'v1',
      kind: 'List',
      items: [{ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } }],
    };
    await writeFile(join(dir, 'sub', 'a.json'), JSON.stringify(list));
    await writeFile(join(dir, 'a.yml'), 'apiVersion: v1\nkind: Namespace\nmetadata: {name: other}\n');
    await writeFile(join(dir, 'notes.txt'), 'not yaml: [');
    await mkdir(join(dir, '..data'));
    await writeFile(join(dir, '..data', 'dup.yaml'), DEPARTMENT);
    const loaded = await loadPolicyFiles(dir);
    expect(loaded.problems).toEqual([]);
    expect(loaded.objects.Department).toHaveLength(1);
    expect(loaded.objects.Namespace.map((n) => (n as { metadata: { name: string } }).metadata.name)).toEqual([
      'other',
      'finance-prod',
    ]);
    expect(loaded.objects.Node).toHaveLength(1);
  });

  it('reads a single file, following a symlink', async () => {
    await writeFile(join(dir, 'real.yaml'), DEPARTMENT);
    await symlink(join(dir, 'real.yaml'), join(dir, 'link.yaml'));
    const loaded = await loadPolicyFiles(join(dir, 'link.yaml'));
    expect(loaded.objects.Department).toHaveLength(1);
  });

  const broken: { name: string; text: string; problem: Record<string, unknown> }[] = [
    {
      name: 'an unknown kind',
      text: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\n',
      problem: {
        kind: 'ConfigMap',
        name: 'cm',
        field: '/kind',
        message: expect.stringContaining('not ConfigMap'),
      },
    },
    {
      name: 'a wrong apiVersion',
      text: 'apiVersion: corral.dev/v1\nkind: Department\nmetadata: {name: d}\nspec: {}\n',
      problem: { kind: 'Department', name: 'd', field: '/apiVersion' },
    },
    {
      name: 'an invalid Department field',
      text: 'apiVersion: corral.dev/v1alpha1\nkind: Department\nmetadata: {name: d}\nspec: {nodeIsolation: loose}\n',
      problem: { kind: 'Department', name: 'd', field: '/spec/nodeIsolation' },
    },
    {
      name: 'an unparseable pod quantity',
      text: 'apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: ns}\nspec: {containers: [{name: c, resources: {requests: {cpu: lots}}}]}\n',
      problem: {
        kind: 'Pod',
        namespace: 'ns',
        name: 'p',
        field: '/spec/containers/0/resources/requests/cpu',
      },
    },
    { name: 'a YAML syntax error', text: 'kind: [unclosed\n', problem: { kind: '(document)' } },
    {
      name: 'an object defined twice',
      text: `${DEPARTMENT}---\n${DEPARTMENT}`,
      problem: { kind: 'Department', name: 'finance', message: expect.stringContaining('defined twice') },
    },
    {
      name: 'a __proto__ key (an unknown field, not a hidden prototype)',
      text: 'apiVersion: corral.dev/v1alpha1\nkind: Department\nmetadata: {name: d}\nspec: {__proto__: {nodeIsolation: dedicated}}\n',
      problem: {
        kind: 'Department',
        name: 'd',
        field: '/spec/__proto__',
        message: "unknown field '__proto__'",
      },
    },
    {
      name: 'defaults no pod could take (the webhook refuses them on write)',
      text: 'apiVersion: corral.dev/v1alpha1\nkind: NamespacePolicy\nmetadata: {name: p, namespace: ns}\nspec: {defaults: {requests: {nvidia.com/gpu: 1}}}\n',
      problem: {
        kind: 'NamespacePolicy',
        namespace: 'ns',
        name: 'p',
        field: '/spec/defaults/requests/nvidia.com~1gpu',
        message: expect.stringContaining('cannot be overcommitted'),
      },
    },
    {
      name: 'two departments claiming one namespace',
      text: `${NAMESPACE}---\n${DEPARTMENT}---\napiVersion: corral.dev/v1alpha1\nkind: Department\nmetadata: {name: zeta}\nspec: {namespaceSelector: {matchLabels: {corral.dev/department: finance}}}\n`,
      problem: { kind: 'Department', name: 'zeta', field: '/spec/namespaceSelector' },
    },
  ];
  it.each(broken)('given $name, reports it with the file and document', async ({ text, problem }) => {
    const file = join(dir, 'policy.yaml');
    await writeFile(file, `apiVersion: v1\nkind: Namespace\nmetadata: {name: first}\n---\n${text}`);
    const loaded = await loadPolicyFiles(dir);
    expect(loaded.problems).toEqual([expect.objectContaining(problem)]);
    expect(loaded.problems[0]?.source ?? '').toMatch(/policy\.yaml( \(document \d\))?$/);
  });

  it('collects every problem at once, each naming its document', async () => {
    await writeFile(
      join(dir, 'a.yaml'),
      'kind: Secret\n---\napiVersion: v1\nkind: List\nitems: [{kind: Pod, apiVersion: v2, metadata: {name: x}}]\n',
    );
    const loaded = await loadPolicyFiles(dir);
    expect(loaded.problems.map((p) => p.source)).toEqual([
      `${join(dir, 'a.yaml')} (document 1)`,
      `${join(dir, 'a.yaml')} (document 2), item 0`,
    ]);
  });

  it('reads a folder reachable through a symlink loop once, without "defined twice"', async () => {
    await writeFile(join(dir, 'a.yaml'), DEPARTMENT);
    await mkdir(join(dir, 'sub'));
    await symlink('.', join(dir, 'loop'));
    await symlink('..', join(dir, 'sub', 'up'));
    const loaded = await loadPolicyFiles(dir);
    expect(loaded.problems).toEqual([]);
    expect(loaded.objects.Department).toHaveLength(1);
  });

  it('reports a policy file that is a broken symlink instead of skipping it', async () => {
    await writeFile(join(dir, 'a.yaml'), DEPARTMENT);
    await symlink(join(dir, 'gone.yaml'), join(dir, 'b.yaml'));
    await symlink(join(dir, 'gone.txt'), join(dir, 'notes.txt'));
    const loaded = await loadPolicyFiles(dir);
    expect(loaded.problems).toEqual([
      expect.objectContaining({
        source: join(dir, 'b.yaml'),
        kind: '(file)',
        message: expect.stringContaining('ENOENT'),
      }),
    ]);
    expect(loaded.objects.Department).toHaveLength(1);
  });

  it('reports a missing path', async () => {
    const loaded = await loadPolicyFiles(join(dir, 'missing'));
    expect(loaded.problems).toEqual([
      expect.objectContaining({ kind: '(file)', message: expect.stringContaining('ENOENT') }),
    ]);
  });
});

describe('loadPolicyFiles, as kubectl apply reads the files', () => {
  const item = (name: string) => `  - metadata: {name: ${name}}\n    spec: {nodeIsolation: shared}\n`;

  it('reads typed lists (kubectl get -o yaml, the API), items taking the list type', async () => {
    await writeFile(
      join(dir, 'stored.yaml'),
      `apiVersion: corral.dev/v1alpha1\nkind: DepartmentList\nmetadata: {resourceVersion: "7"}\nitems:\n${item('finance')}${item('web')}` +
        '---\napiVersion: v1\nkind: NamespaceList\nitems: [{metadata: {name: finance-prod}}]\n' +
        '---\napiVersion: corral.dev/v1alpha1\nkind: NamespacePolicyList\nitems:\n  - apiVersion: corral.dev/v1alpha1\n    kind: NamespacePolicy\n    metadata: {name: p, namespace: finance-prod}\n    spec: {enforcement: warn}\n',
    );
    const loaded = await loadPolicyFiles(dir);
    expect(loaded.problems).toEqual([]);
    expect(loaded.objects.Department).toEqual([
      expect.objectContaining({
        apiVersion: 'corral.dev/v1alpha1',
        kind: 'Department',
        metadata: { name: 'finance' },
      }),
      expect.objectContaining({ kind: 'Department', metadata: { name: 'web' } }),
    ]);
    expect(loaded.objects.Namespace).toEqual([
      expect.objectContaining({ apiVersion: 'v1', kind: 'Namespace' }),
    ]);
    expect(loaded.objects.NamespacePolicy).toHaveLength(1);
  });

  it('refuses a typed list of another apiVersion, and an item with a kind of its own stays that kind', async () => {
    await writeFile(
      join(dir, 'a.yaml'),
      `apiVersion: corral.dev/v1\nkind: DepartmentList\nitems:\n${item('x')}---\napiVersion: corral.dev/v1alpha1\nkind: DepartmentList\nitems: [{kind: ConfigMap, metadata: {name: cm}}]\n`,
    );
    const loaded = await loadPolicyFiles(dir);
    expect(loaded.problems).toEqual([
      expect.objectContaining({
        kind: 'DepartmentList',
        field: '/apiVersion',
        message: expect.stringContaining('not corral.dev/v1'),
      }),
      expect.objectContaining({
        kind: 'ConfigMap',
        field: '/kind',
        source: `${join(dir, 'a.yaml')} (document 2), item 0`,
      }),
    ]);
  });

  it('skips kustomization files and kustomize documents with a note, not a problem', async () => {
    await writeFile(
      join(dir, 'kustomization.yaml'),
      'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [departments.yaml]\n',
    );
    await mkdir(join(dir, 'sub'));
    await writeFile(join(dir, 'sub', 'kustomization.yml'), 'resources: []\n');
    await writeFile(join(dir, 'sub', 'Kustomization'), 'resources: []\n');
    await writeFile(
      join(dir, 'component.yaml'),
      'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n',
    );
    await writeFile(join(dir, 'departments.yaml'), DEPARTMENT);
    const loaded = await loadPolicyFiles(dir);
    expect(loaded.problems).toEqual([]);
    expect(loaded.objects.Department).toHaveLength(1);
    expect(loaded.notes).toEqual([
      `${join(dir, 'component.yaml')} (document 1): Component skipped (not policy)`,
      `${join(dir, 'kustomization.yaml')}: skipped, a kustomization is not policy (Corral reads the files as they are)`,
      `${join(dir, 'sub', 'Kustomization')}: skipped, a kustomization is not policy (Corral reads the files as they are)`,
      `${join(dir, 'sub', 'kustomization.yml')}: skipped, a kustomization is not policy (Corral reads the files as they are)`,
    ]);
  });

  it('refuses a label value kubectl sends as a boolean (YAML 1.1 no), naming the field', async () => {
    await writeFile(
      join(dir, 'ns.yaml'),
      'apiVersion: v1\nkind: Namespace\nmetadata: {name: ns, labels: {backup: no, tier: "no"}}\n',
    );
    const loaded = await loadPolicyFiles(dir);
    expect(loaded.problems).toEqual([
      expect.objectContaining({
        kind: 'Namespace',
        name: 'ns',
        field: '/metadata/labels/backup',
        message: expect.stringMatching(/^must be text, not false: .*quote the value$/),
      }),
    ]);
  });

  it('reads 010 in a quota as kubectl does (8)', async () => {
    await writeFile(
      join(dir, 'd.yaml'),
      'apiVersion: corral.dev/v1alpha1\nkind: Department\nmetadata: {name: d}\nspec: {quota: {hard: {pods: 010}}}\n',
    );
    const loaded = await loadPolicyFiles(dir);
    expect(loaded.objects.Department).toEqual([
      expect.objectContaining({ spec: { quota: { hard: { pods: 8 } } } }),
    ]);
  });

  it('reads a file with a byte order mark and CRLF line ends', async () => {
    await writeFile(join(dir, 'd.yaml'), `\uFEFF${DEPARTMENT.replaceAll('\n', '\r\n')}`);
    const loaded = await loadPolicyFiles(dir);
    expect(loaded.problems).toEqual([]);
    expect(loaded.objects.Department).toHaveLength(1);
  });

  it('reports a tab in the indentation with its line', async () => {
    await writeFile(join(dir, 'd.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata:\n\tname: x\n');
    const loaded = await loadPolicyFiles(dir);
    expect(loaded.problems).toEqual([
      expect.objectContaining({
        source: `${join(dir, 'd.yaml')} (document 1)`,
        message: expect.stringContaining('Tabs are not allowed as indentation at line 4'),
      }),
    ]);
  });

  it('refuses a file over the size limit and a folder over the total limit, naming the file and the limit', async () => {
    await writeFile(join(dir, 'a.yaml'), DEPARTMENT);
    await writeFile(join(dir, 'b.yaml'), NAMESPACE);
    await writeFile(join(dir, 'c.yaml'), '');
    await truncate(join(dir, 'c.yaml'), 17 * 1024 * 1024);
    const loaded = await loadPolicyFiles(dir, { maxTotalBytes: DEPARTMENT.length + 10 });
    expect(loaded.problems).toEqual([
      expect.objectContaining({
        source: join(dir, 'b.yaml'),
        message: `would take the policy files over their total limit of ${DEPARTMENT.length + 10} bytes (${DEPARTMENT.length} bytes read before it); load fewer or smaller files`,
      }),
      expect.objectContaining({
        source: join(dir, 'c.yaml'),
        message: `is ${17 * 1024 * 1024} bytes or more, over the limit of 16 MiB for one policy file; split it into smaller files`,
      }),
    ]);
  });

  it('reports a policy file that is a FIFO or a link to a device instead of skipping or hanging', async () => {
    await writeFile(join(dir, 'a.yaml'), DEPARTMENT);
    await symlink('/dev/zero', join(dir, 'zero.yaml'));
    const loaded = await loadPolicyFiles(dir);
    expect(loaded.problems).toEqual([
      expect.objectContaining({
        source: join(dir, 'zero.yaml'),
        kind: '(file)',
        message: expect.stringContaining('not a regular file (a device)'),
      }),
    ]);
    const single = await loadPolicyFiles('/dev/zero');
    expect(single.problems).toEqual([
      expect.objectContaining({ message: expect.stringContaining('not a regular file') }),
    ]);
  });
});
