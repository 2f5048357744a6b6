import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { commands } from './index.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

function captureIo() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t), env: {}, cwd: ROOT },
    out,
    err,
  };
}

const scratch: string[] = [];
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});
function manifest(yaml: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'corral-explain-input-'));
  scratch.push(dir);
  const path = join(dir, 'pods.yaml');
  writeFileSync(path, yaml);
  return path;
}

const pod = (name: string, cpu = '100m') =>
  `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}, namespace: research-batch}\n` +
  `spec:\n  containers: [{name: a, image: x, resources: {requests: {cpu: ${cpu}}}}]\n`;

describe('corral explain, its input', () => {
  it('given the flags before the pod file, explains it as when the file comes first; exit 0', async () => {
    const path = manifest(pod('etl'));
    const first = captureIo();
    expect(await commands.explain([path, '--policies', 'examples'], first.io)).toBe(0);
    const flagsFirst = captureIo();
    // Before: "name the pod file", exit 2, though it was named.
    expect(await commands.explain(['--policies', 'examples', path], flagsFirst.io)).toBe(0);
    expect(flagsFirst.err).toEqual([]);
    expect(flagsFirst.out.join('')).toBe(first.out.join(''));
    expect(flagsFirst.out.join('')).toContain(
      'pod research-batch/etl (department research): fits 3 of 12 nodes',
    );
  });

  it('given a readable pod then unreadable ones, prints no table and names every unreadable pod; exit 2', async () => {
    const path = manifest([pod('good'), pod('bad-1', 'lots'), pod('bad-2', 'more')].join('---\n'));
    const { io, out, err } = captureIo();
    expect(await commands.explain([path, '--policies', 'examples'], io)).toBe(2);
    // Before: the table of research-batch/good was printed, then the first bad pod's problem.
    expect(out).toEqual([]);
    const text = err.join('');
    expect(text).toMatch(/^corral explain: EXT_ERR_EXPLAIN_INPUT: /);
    expect(text).toContain(
      'Pod research-batch/bad-1: /spec/containers/0/resources/requests/cpu: invalid quantity "lots"',
    );
    expect(text).toContain(
      'Pod research-batch/bad-2: /spec/containers/0/resources/requests/cpu: invalid quantity "more"',
    );
  });
});

describe('corral explain, a pod of a system namespace', () => {
  it('given a kube-system pod, says on each node that it passes untouched and why; exit 0', async () => {
    const path = manifest(
      'apiVersion: v1\nkind: Pod\nmetadata: {name: dns, namespace: kube-system}\nspec:\n  containers: [{name: a, image: x}]\n',
    );
    const { io, out } = captureIo();
    expect(await commands.explain([path, '--policies', 'examples'], io)).toBe(0);
    const [head, columns, ...rows] = out.join('').trimEnd().split('\n');
    // Before: `(no department)`, and every row `fits  -  0  -`: a dedicated GPU node fitting, unexplained.
    expect(head).toBe('pod kube-system/dns (system namespace): fits 12 of 12 nodes');
    expect(columns).toMatch(/^NODE\s+VERDICT\s+RULE\s+SCORE\s+REASON$/);
    expect(rows).toHaveLength(12);
    for (const row of rows) {
      expect(row).toMatch(
        /^\S+\s+fits\s+system-namespace\s+0\s+namespace kube-system is a system namespace: Corral's rules do not apply to its pods$/,
      );
    }
  });
});
