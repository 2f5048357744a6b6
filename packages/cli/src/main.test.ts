import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { takePort, type TakenPort } from '../../../test/support/taken-port.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));

interface Run {
  /** The exit code, or `hung` when the process was still running after `limitMs`. */
  readonly code: number | null | 'hung';
  readonly stderr: string;
}

/**
 * Runs `corral <args>` from the sources in a fresh process (as the `corral` bin does). With
 * `closeStdout`, reads its stdout only until the first chunk and then closes it, as `corral … | head
 * -1` does; with `stdin`, writes it to the process's standard input (else it reads an empty one).
 * A process still running after `limitMs` is killed and reported as hung.
 */
function runCorral(
  args: readonly string[],
  options: { closeStdout?: boolean; limitMs: number; stdin?: string },
): Promise<Run & { stdout: string }> {
  const child = spawn(process.execPath, ['--conditions', 'corral-source', '--import', 'tsx', MAIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, CORRAL_DEBUG: '' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdin.end(options.stdin ?? '');
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  if (options.closeStdout) child.stdout.once('data', () => child.stdout.destroy());
  else child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve({ code: 'hung', stderr, stdout });
    }, options.limitMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr, stdout });
    });
  });
}

// Each child compiles the sources it loads (tsx): seconds, more on a busy machine.
describe('the corral process', { timeout: 90_000 }, () => {
  it('given `corral check … | head -1`, ends with its own exit code and no stack trace', async () => {
    // Every object of examples/ is admitted (exit 0), in many lines of output.
    const args = ['check', '-f', 'examples', '--policies', 'examples'];
    const { code, stderr } = await runCorral(args, { closeStdout: true, limitMs: 60_000 });
    expect(stderr).not.toMatch(/EPIPE|Unhandled|\n\s+at /);
    expect(code).toBe(0);
  });

  it('given `kubectl … -o yaml | corral check -f - …`, checks the objects read from standard input', async () => {
    const pod =
      'apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: web-prod}\n' +
      'spec:\n  containers: [{name: a, image: docker.io/library/nginx:1.27}]\n';
    const args = ['check', '-f', '-', '--policies', 'examples'];
    const { code, stdout } = await runCorral(args, { stdin: pod, limitMs: 60_000 });
    expect(stdout).toContain('DENIED  Pod web-prod/p  (stdin (document 1))');
    expect(code).toBe(1);
  });

  describe('given a service whose port is taken, with a cluster configured', () => {
    let dir: string;
    let taken: TakenPort;
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'corral-main-'));
      // An API server that refuses connections: the service's watches keep retrying.
      const kubeconfig = [
        'apiVersion: v1',
        'kind: Config',
        'clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]',
        'users: [{name: u, user: {token: t}}]',
        'contexts: [{name: x, context: {cluster: c, user: u}}]',
        'current-context: x',
      ].join('\n');
      writeFileSync(join(dir, 'kubeconfig'), kubeconfig);
      taken = await takePort();
    });
    afterAll(async () => {
      await taken.release();
      rmSync(dir, { recursive: true, force: true });
    });

    // The three services agree (docs/development.md): 1 for a start that fails, 2 for bad flags.
    it.each([
      ['extender', []],
      ['admission', []],
      ['csi', ['--role', 'controller', '--endpoint', 'unix://SOCKET', '--cluster-config', 'CLUSTERS']],
    ])('corral %s says why and exits 1 instead of running on without a server', async (service, flags) => {
      writeFileSync(join(dir, 'clusters.json'), '[{"clusterID": "a", "monitors": ["127.0.0.1:1"]}]');
      const files = (flag: string) =>
        flag.replace('SOCKET', join(dir, `${service}.sock`)).replace('CLUSTERS', join(dir, 'clusters.json'));
      const args = [
        service,
        ...flags.map(files),
        '--kubeconfig',
        join(dir, 'kubeconfig'),
        '--listen',
        taken.address,
      ];
      const { code, stderr } = await runCorral(args, { limitMs: 30_000 });
      expect(stderr).toContain('cannot start: listen EADDRINUSE');
      expect(code).toBe(1);
    });
  });
});
