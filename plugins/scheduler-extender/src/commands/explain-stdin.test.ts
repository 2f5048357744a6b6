import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { commands } from './index.js';
import type { CliIo } from './cli-io.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** Runs `corral explain ARGS`, from the repository (so `examples` are the policies), with `stdin` if given. */
async function explain(args: readonly string[], stdin?: string) {
  const out: string[] = [];
  const err: string[] = [];
  let reads = 0;
  const io: CliIo = {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    env: {},
    cwd: ROOT,
    ...(stdin === undefined
      ? {}
      : {
          readStdin: async () => {
            reads += 1;
            return stdin;
          },
        }),
  };
  const code = await commands.explain(args, io);
  return { code, out: out.join(''), err: err.join(''), reads };
}

const scratch: string[] = [];
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});
function manifest(yaml: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'corral-explain-stdin-'));
  scratch.push(dir);
  const path = join(dir, 'pods.yaml');
  writeFileSync(path, yaml);
  return path;
}

const pod = (name: string, cpu = '100m') =>
  `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}, namespace: research-batch}\n` +
  `spec:\n  containers: [{name: a, image: x, resources: {requests: {cpu: ${cpu}}}}]\n`;

const HEADING = 'pod research-batch/etl (department research): fits 3 of 12 nodes';

describe('corral explain - (the pods from standard input, as kubectl apply -f -)', () => {
  it('given pods on standard input, explains them as from a file, reading stdin once; exit 0', async () => {
    const text = `${pod('etl')}---\n${pod('etl-2')}`;
    const fromFile = await explain([manifest(text), '--policies', 'examples']);
    // Before: "cannot read <cwd>/-: ENOENT", exit 2.
    const fromStdin = await explain(['-', '--policies', 'examples'], text);
    expect(fromStdin.err).toBe('');
    expect(fromStdin.code).toBe(0);
    expect(fromStdin.reads).toBe(1);
    expect(fromStdin.out).toContain(HEADING);
    expect(fromStdin.out).toContain('pod research-batch/etl-2 (department research)');
    expect(fromStdin.out).toBe(fromFile.out);
  });

  it('given the flags first and kubectl get -o yaml output (a List) on stdin, explains its pods', async () => {
    const list =
      'apiVersion: v1\nkind: List\nitems:\n' +
      '- {apiVersion: v1, kind: Pod, metadata: {name: etl, namespace: research-batch},\n' +
      '   spec: {containers: [{name: a, image: x, resources: {requests: {cpu: 100m}}}]}}\n';
    const result = await explain(['--policies=examples', '-'], list);
    expect(result.code).toBe(0);
    expect(result.out).toContain(HEADING);
  });

  it.each([
    ['empty', ''],
    ['only blank lines and comments', '\n  \n# nothing\n---\n'],
  ])('given %s standard input, says stdin is empty and exits 2, with no table', async (_what, stdin) => {
    const result = await explain(['-', '--policies', 'examples'], stdin);
    expect(result.code).toBe(2);
    expect(result.out).toBe('');
    expect(result.err).toBe(
      'corral explain: EXT_ERR_EXPLAIN_INPUT: stdin is empty: pipe the pods in ' +
        '(kubectl get pod NAME -o yaml | corral explain - --policies PATH)\n',
    );
  });

  it('given a document on stdin that cannot be read, names it stdin (document N); exit 2', async () => {
    const result = await explain(['-', '--policies', 'examples'], `${pod('etl')}---\nb: 1\nb: 2\n`);
    expect(result.code).toBe(2);
    expect(result.out).toBe('');
    expect(result.err).toMatch(
      /^corral explain: EXT_ERR_EXPLAIN_INPUT: stdin \(document 2\): line 8: key "b"/,
    );
  });

  it('given a pod on stdin that cannot be read, names it from stdin, not from a file named -', async () => {
    const result = await explain(['-', '--policies', 'examples'], pod('etl', 'lots'));
    expect(result.code).toBe(2);
    expect(result.err).toMatch(
      /^corral explain: EXT_ERR_EXPLAIN_INPUT: stdin: Pod research-batch\/etl: \/spec\/containers\/0\/resources\/requests\/cpu: invalid quantity "lots"/,
    );
  });

  it('given stdin with no pod, says stdin holds none; exit 2', async () => {
    const result = await explain(
      ['-', '--policies', 'examples'],
      'apiVersion: v1\nkind: Service\nmetadata: {name: s}\n',
    );
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/^corral explain: EXT_ERR_EXPLAIN_INPUT: stdin holds no Pod and no workload/);
  });

  it('given a caller with no standard input to give, says so and exits 2', async () => {
    const result = await explain(['-', '--policies', 'examples']);
    expect(result.code).toBe(2);
    expect(result.err).toBe(
      'corral explain: EXT_ERR_EXPLAIN_INPUT: the pod file -: this caller gives no standard input to read\n',
    );
  });

  it('given a pod file, does not read standard input', async () => {
    const result = await explain([manifest(pod('etl')), '--policies', 'examples'], pod('other'));
    expect(result.code).toBe(0);
    expect(result.reads).toBe(0);
    expect(result.out).toContain(HEADING);
  });
});

describe('corral explain, empty paths', () => {
  it.each([
    ['first', ['', '--policies', 'examples']],
    ['after the flags', ['--policies', 'examples', '']],
  ])(
    'given an empty pod file %s, refuses it with the reason and exits 2, reading nothing',
    async (_w, args) => {
      const result = await explain(args, pod('etl'));
      expect(result.code).toBe(2);
      expect(result.out).toBe('');
      expect(result.reads).toBe(0);
      // Before: "cannot read <cwd>: EISDIR … it is a folder", the working directory read as the pod file.
      expect(result.err).toMatch(
        /^corral explain: the pod file is "": give a YAML file of Pods or workloads, or - \(standard input\)\nusage: corral explain /,
      );
    },
  );

  it.each([
    ['--policies=', ['--policies=']],
    ["--policies ''", ['--policies', '']],
  ])('given %s, refuses the empty path with the reason and exits 2, with no table', async (_w, flags) => {
    const result = await explain([manifest(pod('etl')), ...flags]);
    expect(result.code).toBe(2);
    expect(result.out).toBe('');
    expect(result.err).toMatch(
      /^corral explain: invalid configuration \(1 problem\):\n {2}- flag --policies: .*""/,
    );
  });

  it('given --policies=PATH, reads the policies there', async () => {
    const result = await explain([manifest(pod('etl')), '--policies=examples']);
    expect(result.code).toBe(0);
    expect(result.out).toContain(HEADING);
  });
});
