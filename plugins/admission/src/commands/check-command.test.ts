import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkCommand } from './check.js';
import type { CommandIo } from './command-io.js';
import { aliasBombRows } from '../../../../test/support/yaml-bomb.js';

function memoryIo(): CommandIo & { out: () => string; err: () => string } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    env: {},
    cwd: process.cwd(),
    out: () => out.join(''),
    err: () => err.join(''),
  };
}

const dir = () => mkdtempSync(join(tmpdir(), 'corral-check-'));

function file(text: string, name = 'm.yaml'): string {
  const path = join(dir(), name);
  writeFileSync(path, text);
  return path;
}

async function run(...args: string[]) {
  const io = memoryIo();
  const code = await checkCommand([...args, '--policies', 'examples'], io);
  return { code, out: io.out(), err: io.err() };
}

const servers: Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

describe('corral check', () => {
  it.each([
    ['a file with only ---', () => file('---\n')],
    ['an empty file', () => file('')],
    ['an empty folder', () => dir()],
  ])('given %s, says no objects were found and exits 2', async (_what, make) => {
    const path = make();
    const result = await run('-f', path);
    expect(result.code).toBe(2);
    expect(result.err).toContain(`no objects found in ${path}`);
  });

  it('given a document without kind, names the file and document and exits 2', async () => {
    const path = file(
      'apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: web-prod}\n---\nmetadata: {name: x}\n',
    );
    const result = await run('-f', path);
    expect(result.code).toBe(2);
    expect(result.err).toContain(`${path} (document 2): has no apiVersion and no kind`);
  });

  it('given a YAML alias bomb, reports it in one line and exits 2', async () => {
    const path = file(`apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata:\n${aliasBombRows(2)}\n`);
    const result = await run('-f', path);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/Excessive alias count/);
    expect(result.err).not.toMatch(/\n\s+at /);
  });

  it('given a file that cannot be read (a socket), reports it and exits 2', async () => {
    const path = join(dir(), 'socket.yaml');
    const server = createServer();
    servers.push(server);
    await new Promise<void>((done) => server.listen(path, done));
    const result = await run('-f', path);
    expect(result.code).toBe(2);
    expect(result.err).toContain(`${path}: cannot read`);
  });

  it('given policies whose NamespacePolicy defaults no pod could take, names the field and exits 2', async () => {
    const policies = dir();
    writeFileSync(
      join(policies, 'p.yaml'),
      'apiVersion: corral.dev/v1alpha1\nkind: NamespacePolicy\nmetadata: {name: p, namespace: lab}\n' +
        "spec: {defaults: {requests: {nvidia.com/gpu: '1'}}}\n",
    );
    const pod = file(
      'apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: lab}\nspec: {containers: [{name: a, image: x}]}\n',
    );
    const io = memoryIo();
    expect(await checkCommand(['-f', pod, '--policies', policies], io)).toBe(2);
    expect(io.err()).toMatch(
      /NamespacePolicy lab\/p: \/spec\/defaults\/requests\/nvidia\.com~1gpu: nvidia\.com\/gpu cannot be overcommitted/,
    );
  });

  it('given --help, prints the usage on stdout and exits 0', async () => {
    const io = memoryIo();
    expect(await checkCommand(['--help'], io)).toBe(0);
    expect(io.out()).toMatch(/usage: corral check -f MANIFESTS/);
    expect(io.out()).toMatch(/--scheduler-name NAME/);
  });

  it('given --policies twice, refuses and exits 2', async () => {
    const result = await run('-f', 'x.yaml', '--policies', 'other');
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/--policies was given 2 times/);
  });

  it('given a pod without a namespace and -n, checks it there', async () => {
    const path = file(
      'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: a, image: docker.io/evil/miner:latest}]\n',
    );
    const result = await run('-f', path, '-n', 'web-prod');
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/DENIED {2}Pod web-prod\/p/);
  });

  it('given a pod in a namespace the policies do not know, prints a note and still exits 0', async () => {
    const path = file(
      'apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: nowhere}\nspec:\n  containers: [{name: a, image: x:1}]\n',
    );
    const result = await run('-f', path);
    expect(result.code).toBe(0);
    expect(result.out).toContain(
      'note    namespace nowhere is not in the policies: checked as a namespace of no department',
    );
  });

  it('given a manifest using a YAML merge key, reads the merged object', async () => {
    const path = file(
      [
        'apiVersion: v1',
        'kind: Pod',
        'metadata: {name: p, namespace: web-prod}',
        'spec:',
        '  containers:',
        '    - &base {name: a, image: "harbor.example.com/web/app:1", resources: {limits: {cpu: 100m, memory: 64Mi}}}',
        '    - <<: *base',
        '      name: b',
        '      image: docker.io/evil/miner:1',
      ].join('\n'),
    );
    const result = await run('-f', path);
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/containers\[1\] "b": image "docker\.io\/evil\/miner:1"/);
  });

  it('given a folder of manifests in subfolders, reads them all', async () => {
    const root = dir();
    mkdirSync(join(root, 'sub'));
    writeFileSync(join(root, 'sub', 'ns.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata: {name: lab}\n');
    const result = await run('-f', root);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/ALLOWED Namespace lab/);
  });
});
