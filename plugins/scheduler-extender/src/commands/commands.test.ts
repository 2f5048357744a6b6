import { EventEmitter } from 'node:events';
import { Agent, get } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { memoryDestination, type ProcessLike } from '@corral/runtime';
import { takePort } from '../../../../test/support/taken-port.js';
import { extenderCommand } from './extender-command.js';
import { commands } from './index.js';
import { runExtender } from './run-extender.js';
import { loadExtenderConfig } from '../config.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

function captureIo(env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t), env, cwd: ROOT },
    out,
    err,
  };
}

function podFile(yaml: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'corral-explain-'));
  const path = join(dir, 'pod.yaml');
  writeFileSync(path, yaml);
  return path;
}

describe('commands.explain', () => {
  it('given a research pod and the examples, prints a row per node with verdict, rule, reason and score; exit 0', async () => {
    const path = podFile(
      'apiVersion: v1\nkind: Pod\nmetadata: {name: etl, namespace: research-batch}\nspec:\n  containers: [{name: a, image: x}]\n',
    );
    const { io, out } = captureIo();
    expect(await commands.explain([path, '--policies', 'examples'], io)).toBe(0);
    const text = out.join('');
    expect(text).toContain('pod research-batch/etl (department research): fits 3 of 12 nodes');
    expect(text).toMatch(/research-c-1\s+fits\s+\S+\s+10\s/);
    expect(text).toMatch(
      /gpu-a-1\s+refused \(unresolvable\)\s+gpu-nodes\s+-\s+node is dedicated to GPU workloads/,
    );
    expect(text).toMatch(/shared-a-1\s+refused \(unresolvable\)\s+department-isolation/);
  });

  /**
   * Serving answers these pods an Error and no node (EXT_ERR_UNKNOWN_NAMESPACE or
   * EXT_ERR_UNKNOWN_DEPARTMENT): explain must not show them fitting as pods of no department.
   */
  it.each([
    [
      'a namespace the policies do not hold',
      'nowhere',
      'EXT_ERR_UNKNOWN_NAMESPACE: namespace nowhere is not in',
      '(offline: the files under --policies hold no Namespace nowhere: add it, with its department label)',
    ],
    [
      'a namespace labelled with a department the policies do not hold',
      'ghost-ns',
      'EXT_ERR_UNKNOWN_DEPARTMENT: namespace ghost-ns is labelled corral.dev/department=ghost',
      "(offline: the files under --policies hold no valid Department for namespace ghost-ns's department label)",
    ],
  ])(
    'given a pod of %s, prints the Error serving answers, no fitting node and what the files lack; exit 0',
    async (_what, namespace, error, hint) => {
      const policies = mkdtempSync(join(tmpdir(), 'corral-explain-policies-'));
      writeFileSync(
        join(policies, 'cluster.yaml'),
        [
          'apiVersion: v1\nkind: Namespace\nmetadata: {name: ghost-ns, labels: {corral.dev/department: ghost}}',
          'apiVersion: v1\nkind: Node\nmetadata: {name: shared-1}\nstatus: {allocatable: {cpu: "8", pods: "110"}}',
        ].join('\n---\n'),
      );
      const path = podFile(
        `apiVersion: v1\nkind: Pod\nmetadata: {name: etl, namespace: ${namespace}}\nspec:\n  containers: [{name: a, image: x}]\n`,
      );
      const { io, out } = captureIo();
      expect(await commands.explain([path, '--policies', policies], io)).toBe(0);
      const text = out.join('');
      expect(text).toContain(`pod ${namespace}/etl: fits 0 of 1 nodes; the extender answers Error ${error}`);
      expect(text).toContain(`\n  ${hint}\n`);
      expect(text).not.toMatch(/no department|\bfits\s+-/);
    },
  );

  it("given a node running pods of a namespace whose Department is gone, refuses it to another department's pod, as serving does", async () => {
    const policies = mkdtempSync(join(tmpdir(), 'corral-explain-policies-'));
    const node = (name: string) =>
      `apiVersion: v1\nkind: Node\nmetadata: {name: ${name}}\nstatus: {allocatable: {cpu: "8", pods: "110"}}`;
    writeFileSync(
      join(policies, 'cluster.yaml'),
      [
        'apiVersion: corral.dev/v1alpha1\nkind: Department\nmetadata: {name: res}\nspec: {}',
        'apiVersion: v1\nkind: Namespace\nmetadata: {name: res-ns, labels: {corral.dev/department: res}}',
        'apiVersion: v1\nkind: Namespace\nmetadata: {name: ghost-ns, labels: {corral.dev/department: ghost}}',
        node('shared-1'),
        node('shared-2'),
        'apiVersion: v1\nkind: Pod\nmetadata: {name: old, namespace: ghost-ns}\n' +
          'spec: {nodeName: shared-1, containers: [{name: a, image: x}]}\nstatus: {phase: Running}',
      ].join('\n---\n'),
    );
    const path = podFile(
      'apiVersion: v1\nkind: Pod\nmetadata: {name: etl, namespace: res-ns}\nspec:\n  containers: [{name: a, image: x}]\n',
    );
    const { io, out } = captureIo();
    expect(await commands.explain([path, '--policies', policies], io)).toBe(0);
    const text = out.join('');
    expect(text).toContain('pod res-ns/etl (department res): fits 1 of 2 nodes');
    expect(text).toMatch(
      /shared-1\s+refused \(unresolvable\)\s+department-isolation\s+-\s+node runs pods of department ghost \(namespaces labelled corral\.dev\/department=ghost, for which no valid Department is served\)/,
    );
    expect(text).toMatch(/shared-2\s+fits/);
  });

  it('given policy files with problems, lists each on its own line, naming the file; exit 2', async () => {
    const policies = mkdtempSync(join(tmpdir(), 'corral-explain-policies-'));
    writeFileSync(join(policies, 'broken.yaml'), 'apiVersion: corral.dev/v1alpha1\nkind: Department\n');
    const missing = join(policies, 'missing');
    const pod = podFile('kind: Pod\nmetadata: {name: p, namespace: n}\nspec: {containers: [{name: a}]}\n');
    const broken = captureIo();
    expect(await commands.explain([pod, '--policies', policies], broken.io)).toBe(2);
    expect(broken.err.join('')).toMatch(
      new RegExp(
        `^corral explain: the policies in ${policies} have problems:\\n  - ${policies}/broken\\.yaml`,
      ),
    );
    const absent = captureIo();
    expect(await commands.explain([pod, '--policies', missing], absent.io)).toBe(2);
    // A file that cannot be read is named once, with the reason.
    expect(absent.err.join('')).toBe(
      `corral explain: the policies in ${missing} have problems:\n` +
        `  - ${missing}: cannot read: ENOENT: no such file or directory, stat '${missing}'\n`,
    );
  });

  it.each([
    ['no pod file', ['--policies', 'examples'], 'name the pod file'],
    ['no --policies', ['POD'], 'give --policies PATH'],
    ['a file without a Pod', ['EMPTY', '--policies', 'examples'], 'holds no Pod'],
    ['an unknown flag', ['POD', '--policies', 'examples', '--frobnicate'], 'frobnicate'],
  ])('given %s, exits 2 with the reason', async (_what, args, message) => {
    const pod = podFile('kind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: a}]}\n');
    const empty = podFile('kind: ConfigMap\nmetadata: {name: c}\n');
    const { io, err } = captureIo();
    const real = args.map((a) => (a === 'POD' ? pod : a === 'EMPTY' ? empty : a));
    expect(await commands.explain(real, io)).toBe(2);
    expect(err.join('')).toContain(message);
  });
});

describe('commands.extender', () => {
  it.each(['--help', '-h'])('given %s, prints the generated flags and exits 0', async (flag) => {
    const { io, out, err } = captureIo();
    expect(await commands.extender([flag], io)).toBe(0);
    const text = out.join('');
    expect(text).toMatch(/^Usage: corral extender/);
    expect(text).toMatch(/--listen VALUE +env CORRAL_EXTENDER_LISTEN\n/);
    expect(text).toContain('default: :8888');
    expect(text).toMatch(/Settings without a flag[^\n]*\n {2}CORRAL_EXTENDER_SHUTDOWN_TIMEOUT_MS=N/);
    expect(err).toEqual([]);
  });

  it('given --help with flags that would serve, starts nothing and exits 0 at once', async () => {
    const { io, out, err } = captureIo();
    const exits: number[] = [];
    const proc: ProcessLike = { on: () => undefined, off: () => undefined, exit: (code) => exits.push(code) };
    const args = ['--policies', 'examples', '--listen', '127.0.0.1:0', '--help'];
    expect(await extenderCommand(args, io, { process: proc })).toBe(0);
    expect(out.join('')).toContain('--policies VALUE');
    expect(err).toEqual([]);
    expect(exits).toEqual([]);
  });

  it('given bad flags, exits 2 listing every problem', async () => {
    const { io, err } = captureIo();
    expect(await commands.extender(['--bind'], io)).toBe(2);
    const text = err.join('');
    expect(text).toContain('--policies PATH');
    expect(text).toContain(
      '--bind creates pods/binding through the API: it needs --kubeconfig or --in-cluster',
    );
    const again = captureIo();
    expect(await commands.extender(['--listen', 'nowhere'], again.io)).toBe(2);
    expect(again.err.join('')).toContain('--listen');
  });

  it('given its port taken, says it cannot start and why; exit 1', async () => {
    const taken = await takePort();
    try {
      const { io, err } = captureIo();
      const args = ['--policies', 'examples', '--listen', taken.address, '--log-level', 'silent'];
      expect(await commands.extender(args, io)).toBe(1);
      expect(err.join('')).toMatch(/^corral extender: cannot start: listen EADDRINUSE/);
    } finally {
      await taken.release();
    }
  });

  it('given policy files with problems, says which and exits 2 (bad input, as explain and check)', async () => {
    const policies = mkdtempSync(join(tmpdir(), 'corral-extender-policies-'));
    writeFileSync(join(policies, 'broken.yaml'), 'apiVersion: corral.dev/v1alpha1\nkind: Department\n');
    const { io, err } = captureIo();
    const args = ['--policies', policies, '--listen', '127.0.0.1:0', '--log-level', 'silent'];
    try {
      expect(await commands.extender(args, io)).toBe(2);
      expect(err.join('')).toContain('cannot start: the policy files have problems');
      expect(err.join('')).toContain(`${policies}/broken.yaml`);
    } finally {
      rmSync(policies, { recursive: true, force: true });
    }
  });

  it('given --policies examples, serves filter on a real port and shuts down gracefully on SIGTERM', async () => {
    const signals = new EventEmitter();
    const exits: number[] = [];
    const proc: ProcessLike = {
      on: (s, l) => signals.on(s, l),
      off: (s, l) => signals.off(s, l),
      exit: (code) => exits.push(code),
    };
    const env = { CORRAL_EXTENDER_DRAIN_DELAY_MS: '0' };
    const config = loadExtenderConfig(['--policies', 'examples', '--listen', '127.0.0.1:0'], env);
    const logs = memoryDestination();
    const running = await runExtender(config, ROOT, { process: proc, destination: logs.stream });
    const url = `http://${running.address}/scheduler/filter`;
    const pod = {
      metadata: { name: 'new', namespace: 'finance-dev' },
      spec: { containers: [{ name: 'a' }] },
    };
    const answer = (await (
      await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ Pod: pod, NodeNames: ['finance-a-1', 'shared-a-1'] }),
      })
    ).json()) as { NodeNames: string[] };
    expect(answer.NodeNames).toEqual(['finance-a-1']);
    expect((await fetch(`http://${running.address}/readyz`)).status).toBe(200);
    signals.emit('SIGTERM', 'SIGTERM');
    expect(await running.done).toBe(0);
    expect(exits).toEqual([0]);
    await expect(fetch(url, { method: 'POST' })).rejects.toThrow();
  });

  it("given SIGTERM, answers during the drain delay but closes each client's kept-alive connection", async () => {
    const signals = new EventEmitter();
    const proc: ProcessLike = {
      on: (s, l) => signals.on(s, l),
      off: (s, l) => signals.off(s, l),
      exit: () => undefined,
    };
    const env = { CORRAL_EXTENDER_DRAIN_DELAY_MS: '400' };
    const config = loadExtenderConfig(['--policies', 'examples', '--listen', '127.0.0.1:0'], env);
    const running = await runExtender(config, ROOT, {
      process: proc,
      destination: memoryDestination().stream,
    });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const [host = '', port = ''] = running.address.split(':');
    const healthz = () =>
      new Promise<string | undefined>((resolve, reject) => {
        get({ host, port: Number(port), path: '/healthz', agent }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.headers.connection));
        }).on('error', reject);
      });
    try {
      expect(await healthz()).toBe('keep-alive');
      signals.emit('SIGTERM', 'SIGTERM');
      // Within the drain delay: still answered, but kube-scheduler is told to reconnect elsewhere.
      expect(await healthz()).toBe('close');
      expect(await running.done).toBe(0);
    } finally {
      agent.destroy();
    }
  });
});
