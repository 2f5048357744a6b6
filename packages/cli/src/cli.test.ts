import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './cli.js';
import type { CliIo } from './io.js';
import { aliasBombRows } from '../../../test/support/yaml-bomb.js';

function memoryIo(): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (t) => out.push(t), stderr: (t) => err.push(t), env: {}, cwd: process.cwd() };
}

describe('corral command line', () => {
  it('given no command, prints the usage and exits 0', async () => {
    const io = memoryIo();
    expect(await runCli([], io)).toBe(0);
    expect(io.out.join('')).toMatch(/Usage: corral <command>/);
  });

  it('given an unknown command, names it, prints the usage and exits 2', async () => {
    const io = memoryIo();
    expect(await runCli(['frobnicate'], io)).toBe(2);
    expect(io.err.join('')).toMatch(/unknown command "frobnicate"/);
  });

  it('given csi with missing and bad flags, lists every problem at once and exits 2', async () => {
    const io = memoryIo();
    expect(await runCli(['csi', '--role', 'node', '--listen', 'nowhere'], io)).toBe(2);
    const err = io.err.join('');
    expect(err).toMatch(/3 problems/);
    expect(err).toMatch(/--endpoint/);
    expect(err).toMatch(/--cluster-config/);
    expect(err).toMatch(/flag --listen: "nowhere"/);
  });

  it('given an unknown flag to a service, reports the flag instead of ignoring it', async () => {
    const io = memoryIo();
    expect(await runCli(['csi', '--polices', 'x'], io)).toBe(2);
    expect(io.err.join('')).toMatch(/--polices/);
  });

  it("given explain with a pod and the examples, runs the extender's decision code node by node", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'corral-cli-'));
    const pod = join(dir, 'pod.yaml');
    writeFileSync(
      pod,
      'apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: finance-prod}\nspec:\n  containers: [{name: a, image: x}]\n',
    );
    const io = memoryIo();
    expect(await runCli(['explain', pod, '--policies', 'examples'], io)).toBe(0);
    const out = io.out.join('');
    expect(out).toMatch(/finance-a-1\s+fits/);
    expect(out).toMatch(/shared-a-1\s+refused/);
  });

  it('given check with a manifest breaking the image rules, shows the denial and exits 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'corral-cli-'));
    const manifest = join(dir, 'pod.yaml');
    writeFileSync(
      manifest,
      'apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: web-prod}\nspec:\n  containers: [{name: a, image: docker.io/library/nginx:1.27}]\n',
    );
    const io = memoryIo();
    expect(await runCli(['check', '-f', manifest, '--policies', 'examples'], io)).toBe(1);
    expect(io.out.join('') + io.err.join('')).toMatch(/docker\.io\/library\/nginx/);
  });

  it("given check with the examples' own workloads, admits them all and exits 0", async () => {
    const io = memoryIo();
    expect(await runCli(['check', '-f', 'examples/workloads-web.yaml', '--policies', 'examples'], io)).toBe(
      0,
    );
  });

  it('given a command that throws, prints one line without the stack and exits 2, not 1', async () => {
    const io = memoryIo();
    const boom = async () => {
      throw new Error('cannot open x', { cause: new Error('EACCES: permission denied') });
    };
    expect(await runCli(['boom'], io, { boom })).toBe(2);
    const err = io.err.join('');
    expect(err).toBe('corral boom: cannot open x: EACCES: permission denied (CORRAL_DEBUG=1 shows where)\n');
  });

  it('given a command that throws and CORRAL_DEBUG=1, prints the stack too', async () => {
    const io = { ...memoryIo(), env: { CORRAL_DEBUG: '1' } };
    const boom = async () => {
      throw new Error('broken');
    };
    expect(await runCli(['boom'], io, { boom })).toBe(2);
    expect(io.err.join('')).toMatch(/^corral boom: broken\nError: broken\n\s+at /);
  });

  it.each([
    ['check', /usage: corral check -f MANIFESTS/],
    ['explain', /^Usage: corral explain POD\.yaml[\s\S]*--gpu-resources/],
    ['demo', /usage: corral demo/],
    ['admission', /^Usage: corral admission[\s\S]*--department-editors/],
    ['extender', /^Usage: corral extender[\s\S]*--listen/],
    ['csi', /^Usage: corral csi[\s\S]*--ceph-timeout/],
  ])('given %s --help, prints its usage and exits 0', async (command, usage) => {
    for (const flag of ['--help', '-h']) {
      const io = memoryIo();
      expect(await runCli([command, flag], io)).toBe(0);
      expect(io.out.join('')).toMatch(usage);
      expect(io.err.join('')).toBe('');
    }
  });

  it.each(['check', 'demo'])('given %s --policies twice, refuses and exits 2', async (command) => {
    const io = memoryIo();
    const args = [command, '-f', 'x.yaml', '--policies', 'a', '--policies', 'b'];
    expect(await runCli(command === 'demo' ? [command, ...args.slice(3)] : args, io)).toBe(2);
    expect(io.err.join('')).toMatch(/--policies was given (2 times|more than once)/);
  });

  it('given explain with a pod whose namespace is null, explains it in default, by its name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'corral-cli-'));
    const pod = join(dir, 'pod.yaml');
    writeFileSync(
      pod,
      'apiVersion: v1\nkind: Pod\nmetadata: {name: mypod, namespace: null}\nspec:\n  containers: [{name: a, image: x}]\n',
    );
    const io = memoryIo();
    expect(await runCli(['explain', pod, '--policies', 'examples'], io)).toBe(0);
    expect(io.out.join('')).toMatch(/pod default\/mypod/);
    expect(io.err.join('')).not.toMatch(/unnamed/);
  });

  it('given explain with a YAML alias bomb, reports it in one line and exits 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'corral-cli-'));
    const pod = join(dir, 'pod.yaml');
    writeFileSync(pod, `apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nx:\n${aliasBombRows(2)}\n`);
    const io = memoryIo();
    expect(await runCli(['explain', pod, '--policies', 'examples'], io)).toBe(2);
    expect(io.err.join('')).toMatch(/^corral explain: .*Excessive alias count.*\n$/);
  });

  it('given explain with a pod using a YAML merge key, reads the merged pod', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'corral-cli-'));
    const pod = join(dir, 'pod.yaml');
    writeFileSync(
      pod,
      'x-base: &m {name: p, namespace: finance-prod}\napiVersion: v1\nkind: Pod\nmetadata:\n  <<: *m\nspec:\n  containers: [{name: a, image: x}]\n',
    );
    const io = memoryIo();
    expect(await runCli(['explain', pod, '--policies', 'examples'], io)).toBe(0);
    expect(io.out.join('')).toMatch(/pod finance-prod\/p \(department finance\)/);
  });

  it("given --version, prints the package's version and exits 0", async () => {
    const io = memoryIo();
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    expect(await runCli(['--version'], io)).toBe(0);
    expect(io.out.join('')).toBe(`corral ${version}\n`);
    expect(io.err).toEqual([]);
  });

  it("given help and a command, prints that command's help as <command> --help does", async () => {
    for (const command of ['check', 'demo', 'extender']) {
      const viaHelp = memoryIo();
      const viaFlag = memoryIo();
      expect(await runCli(['help', command], viaHelp)).toBe(0);
      expect(await runCli([command, '--help'], viaFlag)).toBe(0);
      expect(viaHelp.out.join('')).toBe(viaFlag.out.join(''));
      expect(viaHelp.out.join('')).not.toMatch(/Usage: corral <command>/);
    }
  });

  it('given help and an unknown command, names it and exits 2', async () => {
    const io = memoryIo();
    expect(await runCli(['help', 'frobnicate'], io)).toBe(2);
    expect(io.err.join('')).toMatch(/unknown command "frobnicate"/);
  });
});
