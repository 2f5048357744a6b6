import { EventEmitter } from 'node:events';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { memoryDestination } from '@corral/runtime';
import { takePort } from '../../../../test/support/taken-port.js';
import { admissionHelp } from '../config.js';
import { createCertificateAuthority, issueServingCertificate } from '../effects/tls/issue-certificates.js';
import { admissionCommand, PLAIN_HTTP_WARNING, startAdmission } from './run-admission.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

function captureIo() {
  const out: string[] = [];
  const err: string[] = [];
  const io = {
    stdout: (t: string) => out.push(t),
    stderr: (t: string) => err.push(t),
    env: {},
    cwd: tmpdir(),
  };
  return { io, out, err };
}

describe('admissionCommand --help', () => {
  it.each(['--help', '-h'])('given %s, prints the generated flags and exits 0', async (flag) => {
    const { io, out, err } = captureIo();
    expect(await admissionCommand([flag], io)).toBe(0);
    const text = out.join('');
    expect(text).toMatch(/^Usage: corral admission/);
    expect(text).toMatch(/--scheduler-name VALUE +env CORRAL_ADMISSION_SCHEDULER_NAME\n/);
    expect(text).toMatch(/--department-editors VALUE,\.\.\. +env CORRAL_ADMISSION_DEPARTMENT_EDITORS\n/);
    expect(text).toContain('default: default-scheduler');
    expect(err).toEqual([]);
  });

  it('given --help with flags that would serve, starts nothing and exits 0 at once', async () => {
    const { io, out, err } = captureIo();
    const args = ['--policies', 'examples', '--listen', '127.0.0.1:0', '--help'];
    // Were it started, the service would run until SIGTERM and this would never resolve.
    expect(await admissionCommand(args, io)).toBe(0);
    expect(out.join('')).toContain('--listen VALUE');
    expect(err).toEqual([]);
  });

  it('given --help with bad flags, still prints the help instead of the problems', async () => {
    const { io, out, err } = captureIo();
    expect(
      await admissionCommand(['--no-such-flag', '-h'], { ...io, env: { CORRAL_ADMISSION_X: '1' } }),
    ).toBe(0);
    expect(out.join('')).toMatch(/^Usage: corral admission/);
    expect(err).toEqual([]);
  });
});

/** Starts the service in process on 127.0.0.1:0 with `flags`; returns it and its log lines. */
async function start(flags: readonly string[]) {
  const logs = memoryDestination();
  const proc = Object.assign(new EventEmitter(), { exit: () => undefined });
  const io = { stdout: () => undefined, stderr: () => undefined, env: {}, cwd: ROOT };
  const args = ['--policies', 'examples', '--listen', '127.0.0.1:0', '--drain-delay-ms', '0', ...flags];
  const running = await startAdmission(args, io, { process: proc, logDestination: logs.stream });
  return { running, logs };
}

/** GET `url` trusting only `ca`, as `servername`: the status and the served certificate's fingerprint. */
function httpsGet(url: string, ca: string, servername: string): Promise<{ status?: number; served: string }> {
  return new Promise((resolve, reject) => {
    const req = get(url, { ca, servername, agent: false }, (res) => {
      const served = (res.socket as TLSSocket).getPeerX509Certificate()?.fingerprint256 ?? '';
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, served }));
    });
    req.on('error', reject);
  });
}

describe('startAdmission over plain HTTP', () => {
  it('given no --tls-cert/--tls-key, serves plain HTTP and logs a warning that kube-apiserver cannot call it', async () => {
    const { running, logs } = await start([]);
    try {
      expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect((await fetch(`${running.url}/healthz`)).status).toBe(200);
      expect(logs.lines.filter((line) => line['level'] === 'warn')).toEqual([
        expect.objectContaining({ msg: PLAIN_HTTP_WARNING, url: running.url }),
      ]);
      expect(PLAIN_HTTP_WARNING).toContain('kube-apiserver calls admission webhooks over HTTPS only');
    } finally {
      expect(await running.stop()).toBe(0);
    }
  });

  it('given a certificate and key, serves HTTPS with no such warning', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'corral-adm-tls-'));
    const ca = await createCertificateAuthority({ commonName: 'test-ca', validityDays: 2 });
    const pair = await issueServingCertificate({ ca, dnsNames: ['localhost'], validityDays: 1 });
    writeFileSync(join(dir, 'tls.crt'), pair.certPem);
    writeFileSync(join(dir, 'tls.key'), pair.keyPem);
    const { running, logs } = await start([
      '--tls-cert',
      join(dir, 'tls.crt'),
      '--tls-key',
      join(dir, 'tls.key'),
    ]);
    try {
      expect(running.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      // A client that trusts only the CA (as kube-apiserver with the caBundle) gets an answer,
      // from the certificate written to --tls-cert.
      const { status, served } = await httpsGet(`${running.url}/healthz`, ca.certPem, 'localhost');
      expect(status).toBe(200);
      expect(served).toBe(new X509Certificate(pair.certPem).fingerprint256);
      expect(logs.lines.filter((line) => line['level'] === 'warn')).toEqual([]);
    } finally {
      expect(await running.stop()).toBe(0);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--help says HTTPS needs --tls-cert and --tls-key, and that plain HTTP cannot be called by kube-apiserver', () => {
    const help = admissionHelp();
    expect(help).not.toContain('serve HTTPS on');
    expect(help).toContain('over HTTPS with --tls-cert and');
    expect(help).toContain('kube-apiserver cannot call');
  });
});

describe('admissionCommand exit codes', () => {
  it('given its port taken, says it cannot start and why; exit 1', async () => {
    const taken = await takePort();
    try {
      const { io, err } = captureIo();
      const args = ['--policies', `${ROOT}/examples`, '--listen', taken.address, '--log-level', 'silent'];
      expect(await admissionCommand(args, io)).toBe(1);
      expect(err.join('')).toMatch(/^corral admission: cannot start: listen EADDRINUSE/);
    } finally {
      await taken.release();
    }
  });

  it.each([
    ['bad flags', ['--listen', '127.0.0.1:0', '--no-such-flag'], /^corral admission: invalid configuration/],
    ['a shutdown timeout above its maximum', ['--shutdown-timeout-ms', '600001'], /less or equal to 600000/],
    ['a drain delay above its maximum', ['--drain-delay-ms', '60001'], /less or equal to 60000/],
  ])('given %s, exits 2 saying what to fix', async (_what, flags, message) => {
    const { io, err } = captureIo();
    expect(await admissionCommand(['--policies', 'examples', ...flags], io)).toBe(2);
    expect(err.join('')).toMatch(message);
  });
});
