import { mkdtempSync } from 'node:fs';
import { Agent, get } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { commands } from '@corral/admission';
import { generatePair } from '../../../packages/runtime/src/tls/__fixtures__/openssl.js';
import { httpsCall, podReview, startAdmissionService, type Reply } from './support.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const io = (err: string[] = []) => ({
  stdout: () => undefined,
  stderr: (t: string) => void err.push(t),
  env: {},
  cwd: ROOT,
});

async function post(url: string, ca: Buffer, body: unknown): Promise<{ status: number; body: Reply }> {
  const { status, text } = await httpsCall(url, { ca, method: 'POST', body: JSON.stringify(body) });
  return { status, body: JSON.parse(text) as Reply };
}

describe('commands.admission / startAdmission', () => {
  it('given policies and certificates, serves HTTPS and shuts down gracefully on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'corral-adm-svc-'));
    const pair = generatePair(dir, 4242);
    const {
      running,
      logs,
      process: proc,
    } = await startAdmissionService({
      cwd: ROOT,
      flags: ['--policies', 'examples', '--tls-cert', pair.certFile, '--tls-key', pair.keyFile],
    });
    expect(running.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const res = await post(
      `${running.url}/validate`,
      pair.cert,
      podReview('web-prod', 'x', { containers: [{ name: 'a', image: 'docker.io/nginx:1' }] }),
    );
    expect(res.body.response).toMatchObject({ allowed: false, status: { code: 403 } });
    proc.emit('SIGTERM', 'SIGTERM');
    expect(await running.done).toBe(0);
    expect(proc.codes).toEqual([0]);
    expect(logs.lines.some((l) => l['msg'] === 'shutdown complete')).toBe(true);
  });

  it("given SIGTERM, answers during the drain delay but closes kube-apiserver's kept-alive connections", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'corral-adm-drain-'));
    const pair = generatePair(dir, 4243);
    const { running, process: proc } = await startAdmissionService({
      cwd: ROOT,
      flags: [
        '--policies',
        'examples',
        '--tls-cert',
        pair.certFile,
        '--tls-key',
        pair.keyFile,
        '--drain-delay-ms',
        '400',
      ],
    });
    const { hostname, port } = new URL(running.url);
    const agent = new Agent({ keepAlive: true, maxSockets: 1, ca: pair.cert });
    const healthz = () =>
      new Promise<string | undefined>((resolve, reject) => {
        get({ host: hostname, port: Number(port), path: '/healthz', agent }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.headers.connection));
        }).on('error', reject);
      });
    try {
      expect(await healthz()).toBe('keep-alive');
      proc.emit('SIGTERM', 'SIGTERM');
      // Within the drain delay: still answered, but the client is told to reconnect (to another replica).
      expect(await healthz()).toBe('close');
      expect(await running.done).toBe(0);
    } finally {
      agent.destroy();
    }
  });

  const bad: [string, string[], RegExp][] = [
    ['no policy source', ['--listen', '127.0.0.1:0'], /--policies PATH, --kubeconfig PATH or --in-cluster/],
    ['a bad listen address', ['--policies', 'examples', '--listen', 'nowhere'], /expected HOST:PORT/],
    ['a certificate without its key', ['--policies', 'examples', '--tls-cert', '/x'], /--tls-key/],
    [
      'a broken policy folder',
      ['--policies', 'test/fixtures/policies-broken', '--listen', '127.0.0.1:0'],
      /cannot open policies/,
    ],
  ];
  it.each(bad)('given %s, exits 2 and says what to fix', async (_what, args, message) => {
    const err: string[] = [];
    expect(await commands.admission(args, io(err))).toBe(2);
    expect(err.join('')).toMatch(message);
  });
});
