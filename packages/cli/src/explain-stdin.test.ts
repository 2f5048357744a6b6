import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from './cli.js';
import type { CliIo } from './io.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));

const POD =
  'apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: finance-prod}\nspec:\n  containers: [{name: a, image: x}]\n';

/** `corral ARGS` from the sources in a fresh process, `stdin` piped to it, as from a shell. */
function corral(
  args: readonly string[],
  stdin: string,
): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, ['--conditions', 'corral-source', '--import', 'tsx', MAIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, CORRAL_DEBUG: '' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdin.end(stdin);
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

describe('corral explain - (the command line gives explain its standard input, as it gives check)', () => {
  it('given the CLI io with standard input, explain reads the pod from it', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io: CliIo = {
      stdout: (t) => out.push(t),
      stderr: (t) => err.push(t),
      env: {},
      cwd: ROOT,
      readStdin: async () => POD,
    };
    expect(await runCli(['explain', '-', '--policies', 'examples'], io)).toBe(0);
    expect(err).toEqual([]);
    expect(out.join('')).toMatch(/^pod finance-prod\/p \(department finance\): fits \d+ of 12 nodes\n/);
    expect(out.join('')).toMatch(/finance-a-1\s+fits/);
  });

  it('given a pod piped to the corral process (kubectl get pod -o yaml | corral explain -), explains it', async () => {
    const result = await corral(['explain', '-', '--policies', 'examples'], POD);
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/finance-a-1\s+fits/);
  }, 60_000);

  it('given nothing piped to the corral process, says stdin is empty and exits 2', async () => {
    const result = await corral(['explain', '-', '--policies', 'examples'], '');
    expect(result.code).toBe(2);
    expect(result.out).toBe('');
    expect(result.err).toMatch(/^corral explain: EXT_ERR_EXPLAIN_INPUT: stdin is empty: /);
  }, 60_000);
});
