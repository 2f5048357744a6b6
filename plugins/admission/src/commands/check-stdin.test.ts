import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkCommand } from './check.js';
import type { CommandIo } from './command-io.js';

const POD = (name: string, image: string) =>
  `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}, namespace: web-prod}\nspec:\n  containers: [{name: a, image: "${image}"}]\n`;

async function run(args: string[], stdin?: string) {
  const out: string[] = [];
  const err: string[] = [];
  let reads = 0;
  const io: CommandIo = {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    env: {},
    cwd: process.cwd(),
    ...(stdin === undefined
      ? {}
      : {
          readStdin: async () => {
            reads += 1;
            return stdin;
          },
        }),
  };
  const code = await checkCommand([...args, '--policies', 'examples'], io);
  return { code, out: out.join(''), err: err.join(''), reads };
}

describe('corral check -f - (standard input, as kubectl apply -f -)', () => {
  it('given manifests on standard input, checks them, named stdin with their document', async () => {
    const stdin = `${POD('a', 'harbor.example.com/web/app:1')}---\n${POD('b', 'docker.io/evil/miner:1')}`;
    const result = await run(['-f', '-'], stdin);
    expect(result.code).toBe(1);
    expect(result.reads).toBe(1);
    expect(result.out).toContain('ALLOWED Pod web-prod/a  (stdin (document 1))');
    expect(result.out).toContain('DENIED  Pod web-prod/b  (stdin (document 2))');
  });

  it('given files and -, checks the objects in the order the -f flags give them', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'corral-check-')), 'first.yaml');
    writeFileSync(path, POD('first', 'harbor.example.com/web/app:1'));
    const result = await run(['-f', path, '-f', '-'], POD('second', 'harbor.example.com/web/app:1'));
    expect(result.code).toBe(0);
    const titles = result.out.split('\n').filter((line) => line.startsWith('ALLOWED'));
    expect(titles).toEqual([
      `ALLOWED Pod web-prod/first  (${path} (document 1))`,
      'ALLOWED Pod web-prod/second  (stdin (document 1))',
    ]);
  });

  it('given empty standard input, says no objects were found in stdin and exits 2', async () => {
    const result = await run(['-f', '-'], '');
    expect(result.code).toBe(2);
    expect(result.err).toBe('corral check: no objects found in stdin\n');
  });

  it('given standard input with a UTF-8 BOM and CRLF line ends, reads it', async () => {
    const stdin = `\uFEFF${POD('a', 'harbor.example.com/web/app:1').replace(/\n/g, '\r\n')}`;
    const result = await run(['-f', '-'], stdin);
    expect(result.code).toBe(0);
    expect(result.out).toContain('ALLOWED Pod web-prod/a  (stdin (document 1))');
  });

  it('given a caller with no standard input to give, says so and exits 2', async () => {
    const result = await run(['-f', '-']);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/^corral check: -f -: this caller gives no standard input to read\n$/);
  });
});
