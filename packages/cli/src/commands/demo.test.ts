import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli.js';
import type { CliIo } from '../io.js';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

function memoryIo(): CliIo & { out: () => string; err: () => string } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out: () => out.join(''),
    err: () => err.join(''),
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    env: {},
    cwd: repoRoot,
  };
}

/** The row of a printed table whose first cell is `first`, split into its cells. */
function row(text: string, first: string): string[] | undefined {
  return text
    .split('\n')
    .map((line) => line.trim().split(/\s{2,}/))
    .find((cells) => cells[0] === first);
}

describe('corral demo', () => {
  it('given --offline and the examples, loads and validates them and prints departments, quotas, namespaces and nodes', async () => {
    const io = memoryIo();
    expect(await runCli(['demo', '--offline'], io)).toBe(0);
    const out = io.out();
    expect(out).toMatch(
      /Loaded and validated: 3 departments, 9 namespaces, 6 namespace policies, 12 nodes, \d+ running pods; 0 problems/,
    );
    expect(row(out, 'finance')).toEqual([
      'finance',
      'dedicated',
      'finance-dev,finance-prod',
      'rbd/finance',
      '3',
    ]);
    expect(row(out, 'gpu-a-1')?.slice(1, 3)).toEqual(['shared', 'gpu']);
    expect(row(out, 'finance-a-1')?.at(-1)).toBe('finance');
    const gpuQuota = out
      .split('\n')
      .find((line) => line.includes('research') && line.includes('requests.nvidia.com/gpu'));
    expect(gpuQuota?.trim().split(/\s+/)).toEqual(['research', 'requests.nvidia.com/gpu', '5', '8', '62%']);
    expect(io.err()).toBe('');
  });

  it('given --offline and the examples, runs the extender and webhook decisions in-process and shows why', async () => {
    const io = memoryIo();
    expect(await runCli(['demo', '--offline'], io)).toBe(0);
    const out = io.out();
    expect(out).toContain('pod research-batch/etl-7 (department research): fits 3 of 12 nodes');
    expect(out).toMatch(/gpu-a-1\s+refused \(unresolvable\)\s+gpu-nodes/);
    expect(out).toMatch(/ALLOWED Pod finance-prod\/payments-api-4/);
    expect(out).toContain('/spec/imagePullSecrets = [{"name":"harbor-finance"}]');
    expect(out).toMatch(/DENIED\s+Deployment web-prod\/storefront-canary/);
    expect(out).toContain('[image-forbid-latest]');
  });

  it('given broken policy files, prints every problem with its file, object and field and exits 2', async () => {
    const io = memoryIo();
    expect(await runCli(['demo', '--policies', 'test/fixtures/policies-broken'], io)).toBe(2);
    const err = io.err();
    expect(err).toContain('unknown-field.yaml');
    expect(err).toMatch(/enforcment/);
    expect(err).toContain('bad-quantity.yaml');
    expect(err).toMatch(/16GB/);
    expect(err).toMatch(/shared-datasets is also claimed by Department data-platform/);
    expect(io.out()).toBe('');
  });

  it('given an unknown flag, names it and exits 2 before starting anything', async () => {
    const io = memoryIo();
    expect(await runCli(['demo', '--no-cepth'], io)).toBe(2);
    expect(io.err()).toMatch(/--no-cepth/);
    expect(io.out()).toBe('');
  });

  it('given manifests that do not exist, says so and exits 2', async () => {
    const io = memoryIo();
    expect(await runCli(['demo', '--no-ceph', '--manifests', 'no/such/manifests'], io)).toBe(2);
    expect(io.err()).toMatch(/no\/such\/manifests/);
  });

  it('given a path that does not exist, says so and exits 2', async () => {
    const io = memoryIo();
    expect(await runCli(['demo', '--policies', 'no/such/dir'], io)).toBe(2);
    expect(io.err()).toMatch(/no\/such\/dir/);
  });

  it('given Ctrl-C twice during the walkthrough, keeps cleaning up after the second and exits non-zero', async () => {
    const memory = memoryIo();
    const listeners = process.listenerCount('SIGINT');
    let interrupted = 0;
    const io: CliIo = {
      ...memory,
      stdout: (text: string) => {
        memory.stdout(text);
        // Interrupt once the services are up, then again while the walkthrough winds down.
        if (interrupted === 0 && /listening|started|admission/i.test(text)) {
          interrupted = 1;
          process.emit('SIGINT', 'SIGINT');
          process.emit('SIGINT', 'SIGINT');
        }
      },
    };
    const code = await runCli(['demo', '--no-ceph'], io);
    expect(interrupted).toBe(1);
    expect(code).not.toBe(0);
    expect(memory.err()).toContain('still shutting down');
    expect(process.listenerCount('SIGINT')).toBe(listeners);
  }, 60_000);

  it('given --offline from another working directory, still finds the example cluster of the repository', async () => {
    const io = { ...memoryIo(), cwd: mkdtempSync(join(tmpdir(), 'corral-demo-cwd-')) };
    const code = await runCli(['demo', '--offline'], io);
    expect(io.err()).toBe('');
    expect(code).toBe(0);
    expect(io.out()).toContain(`the cluster in ${join(repoRoot, 'examples')} `);
  });

  it('given --offline with --manifests, refuses instead of ignoring the manifests, and exits 2', async () => {
    const io = memoryIo();
    expect(await runCli(['demo', '--offline', '--manifests', 'my-manifests'], io)).toBe(2);
    expect(io.err()).toBe(
      'corral demo: --offline runs built-in samples and reads no --manifests; give one of them\n',
    );
    expect(io.out()).toBe('');
  });
});
