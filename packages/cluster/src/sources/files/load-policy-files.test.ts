import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
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
