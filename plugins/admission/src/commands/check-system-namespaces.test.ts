import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCommand } from './check.js';
import type { CommandIo } from './command-io.js';

// The audit's setup: a copy of examples/ with kube-system labelled corral.dev/department=finance.
// kube-system runs coredns and metrics-server: they must not count in finance's quota, whose pods
// limit is set to finance's 6 pods + 1 here, so one more finance pod fits exactly.
let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'corral-check-sysns-'));
  await cp('examples', dir, { recursive: true });
  const edit = async (file: string, from: string, to: string, times = 1) => {
    const text = await readFile(join(dir, file), 'utf8');
    expect(text.split(from)).toHaveLength(times + 1);
    await writeFile(join(dir, file), text.replaceAll(from, to));
  };
  const name = '    kubernetes.io/metadata.name: kube-system\n';
  await edit('namespaces.yaml', name, `${name}    corral.dev/department: finance\n`);
  await edit('departments.yaml', "      pods: '200'\n", "      pods: '7'\n");
  // finance's NamespacePolicies may not ask more than their department.
  await edit('policies.yaml', "      pods: '100'\n", "      pods: '7'\n");
  await edit('policies.yaml', "      pods: '20'\n", "      pods: '7'\n", 2);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await rm(`${dir}-manifest.yaml`, { force: true });
});

async function check(manifest: string) {
  const out: string[] = [];
  const io: CommandIo = {
    stdout: (t) => out.push(t),
    stderr: (t) => out.push(t),
    env: {},
    cwd: process.cwd(),
  };
  const file = `${dir}-manifest.yaml`;
  await writeFile(file, manifest);
  const code = await checkCommand(['-f', file, '--policies', dir], io);
  return { code, out: out.join('') };
}

describe('corral check: kube-system labelled for a department', () => {
  it("admits a finance pod that fits finance's quota without kube-system's pods", async () => {
    const { code, out } = await check(`apiVersion: v1
kind: Pod
metadata: {name: one-more, namespace: finance-prod}
spec:
  imagePullSecrets: [{name: harbor-finance}]
  containers:
    - name: app
      image: harbor.example.com/library/app@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
`);
    expect(out).toContain('1 object(s) checked, 0 denied');
    expect(code).toBe(0);
  });

  it('refuses a Department selecting kube-system, naming it and the fix', async () => {
    const { code, out } = await check(`apiVersion: corral.dev/v1alpha1
kind: Department
metadata: {name: ops}
spec:
  namespaceSelector:
    matchLabels: {kubernetes.io/metadata.name: kube-system}
`);
    expect(code).toBe(1);
    expect(out).toMatch(/selects system namespace kube-system, which never joins a department/);
    expect(out).toMatch(/operator: NotIn, values: \[kube-system\]/);
  });
});
