import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = new URL('./cli.ts', import.meta.url).href;

/**
 * The child: registers a resolve hook that appends every module URL the process resolves to a file
 * (ESM has no list of loaded modules to ask afterwards), then runs `corral <args>` from the sources.
 */
const CHILD = `
import { register } from 'node:module';
const hooks = \`import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(\${JSON.stringify(process.env.RECORD_FILE)}, resolved.url + '\\\\n');
  return resolved;
}\`;
register('data:text/javascript,' + encodeURIComponent(hooks));
const { runCli } = await import(process.env.CLI_URL);
const io = { stdout: () => undefined, stderr: () => undefined, env: {}, cwd: process.cwd() };
process.exitCode = await runCli(JSON.parse(process.env.CLI_ARGS), io);
`;

/** Runs `corral <args>` in a fresh process; its exit code and the module URLs it resolved, once each. */
function loadedBy(args: readonly string[]): Promise<{ code: number | null; urls: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'corral-lazy-'));
  const record = join(dir, 'modules.txt');
  const child = spawn(
    process.execPath,
    ['--conditions', 'corral-source', '--import', 'tsx', '--input-type=module', '-e', CHILD],
    {
      cwd: ROOT,
      env: { ...process.env, RECORD_FILE: record, CLI_URL: CLI, CLI_ARGS: JSON.stringify(args) },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => {
      try {
        const urls = new Set(readFileSync(record, 'utf8').split('\n').filter(Boolean));
        resolve({ code, urls: [...urls] });
      } catch (error) {
        reject(new Error(`the child recorded nothing (exit ${code}): ${stderr}`, { cause: error }));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}

const SERVICE_ONLY = {
  admission: /\/plugins\/admission\//,
  csi: /\/plugins\/csi-ceph\//,
  grpc: /\/node_modules\/@grpc\//,
  protobufjs: /\/node_modules\/protobufjs\//,
  x509: /\/node_modules\/@peculiar\//,
  'fast-json-patch': /\/node_modules\/fast-json-patch\//,
};

const matching = (urls: readonly string[], pattern: RegExp) => urls.filter((url) => pattern.test(url));

// Each case starts a process that compiles the sources it loads (tsx): seconds, more on a busy machine.
describe('corral loads a service only when its command runs', { timeout: 60_000 }, () => {
  it('given `corral extender` (a bad flag, so it stops after reading its flags), loads the extender and nothing of admission or CSI', async () => {
    const { code, urls } = await loadedBy(['extender', '--no-such-flag']);
    expect(code).toBe(2);
    // The recording sees the command's whole static graph: the server and its HTTP framework.
    expect(matching(urls, /\/plugins\/scheduler-extender\/src\/commands\/run-extender\.ts$/)).toHaveLength(1);
    expect(matching(urls, /\/node_modules\/fastify\//).length).toBeGreaterThan(0);
    for (const [name, pattern] of Object.entries(SERVICE_ONLY))
      expect(matching(urls, pattern), `${name} modules loaded`).toEqual([]);
    expect(matching(urls, /\/explain-command\.ts$/), 'explain loaded').toEqual([]);
  });

  it('given `corral help`, loads no service at all', async () => {
    const { code, urls } = await loadedBy(['help']);
    expect(code).toBe(0);
    expect(matching(urls, /\/plugins\//)).toEqual([]);
    expect(matching(urls, /\/packages\/cli\/src\/cli\.ts$/)).toHaveLength(1);
  });

  it('given `corral check` (no manifests), loads the offline check and not the webhook server', async () => {
    const { code, urls } = await loadedBy(['check', '--policies', 'examples']);
    expect(code).toBe(2);
    expect(matching(urls, /\/plugins\/admission\/src\/commands\/check\.ts$/)).toHaveLength(1);
    expect(matching(urls, /\/plugins\/admission\/src\/commands\/run-admission\.ts$/)).toEqual([]);
    expect(matching(urls, SERVICE_ONLY.x509)).toEqual([]);
    expect(matching(urls, /\/plugins\/(scheduler-extender|csi-ceph)\//)).toEqual([]);
  });
});
