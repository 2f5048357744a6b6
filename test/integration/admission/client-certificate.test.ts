// Mutual TLS for the admission webhooks (--tls-client-ca): kube-apiserver presents a certificate the
// client CA signed (AdmissionConfiguration kubeConfigFile); anyone else reaching the port gets 403
// from /mutate and /validate, so a forged AdmissionReview can no longer reserve a department's quota,
// while kubelet's probes and Prometheus (no certificate) still get /healthz, /readyz and /metrics.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger, createMetrics, memoryDestination, type MemoryDestination } from '@corral/runtime';
import {
  buildAdmissionServer,
  commands,
  DEFAULT_RULE_SETTINGS,
  type AdmissionServer,
} from '@corral/admission';
import {
  generateCa,
  generateSignedPair,
  type GeneratedCa,
  type GeneratedPair,
} from '../../../packages/runtime/src/tls/__fixtures__/openssl.js';
import {
  podReview,
  startAdmissionService,
  teamSnapshot,
  type AdmissionService,
  type Reply,
} from './support.js';
import { httpsCall } from '../../support/https-call.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

let scratch: string;
let servingCa: GeneratedCa;
let apiserverCa: GeneratedCa;
let nextCa: GeneratedCa;
let apiserver: GeneratedPair; // from apiserverCa
let stranger: GeneratedPair; // from a CA the service never trusts
let renewed: GeneratedPair; // from nextCa
let serial = 0x700;
let service: AdmissionService | undefined;
let server: AdmissionServer | undefined;

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'corral-admission-mtls-'));
  servingCa = generateCa(scratch, 'serving');
  apiserverCa = generateCa(scratch, 'apiserver');
  nextCa = generateCa(scratch, 'next');
  apiserver = generateSignedPair(scratch, apiserverCa, 0x601, 'kube-apiserver', []);
  stranger = generateSignedPair(scratch, generateCa(scratch, 'stranger'), 0x602, 'kube-apiserver', []);
  renewed = generateSignedPair(scratch, nextCa, 0x603, 'kube-apiserver', []);
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
afterEach(async () => {
  if (service) {
    service.process.emit('SIGTERM', 'SIGTERM');
    await service.running.done;
  }
  await server?.app.close();
  service = undefined;
  server = undefined;
});

/** A fresh serving pair and a client CA file holding apiserverCa. */
function tlsFiles(): { serving: GeneratedPair; caFile: string } {
  const serving = generateSignedPair(scratch, servingCa, serial++, 'corral-admission');
  const caFile = join(mkdtempSync(join(scratch, 'ca-')), 'ca.crt');
  writeFileSync(caFile, apiserverCa.cert);
  return { serving, caFile };
}

/** `corral admission` with the examples policies, over HTTPS, verifying clients against `caFile`. */
async function startService(
  extraFlags: readonly string[] = [],
): Promise<{ port: number; caFile: string; logs: MemoryDestination }> {
  const { serving, caFile } = tlsFiles();
  service = await startAdmissionService({
    cwd: ROOT,
    flags: [
      ...['--policies', 'examples', '--tls-cert', serving.certFile, '--tls-key', serving.keyFile],
      ...['--tls-client-ca', caFile, ...extraFlags],
    ],
  });
  return { port: Number(new URL(service.running.url).port), caFile, logs: service.logs };
}

const REVIEW = podReview('finance-prod', 'p1', { containers: [{ name: 'a', image: 'x' }] });

/** One call on a fresh connection that verifies the service's certificate, presenting `client` if given. */
function call(
  port: number,
  path: string,
  client?: GeneratedPair,
  body: unknown = REVIEW,
): Promise<{ status: number; body: Reply & { text?: string } }> {
  const post = path === '/mutate' || path === '/validate';
  return httpsCall<Reply>({
    port,
    path,
    ca: servingCa.cert,
    ...(post ? { body } : {}),
    ...(client ? { client } : {}),
  });
}

describe('corral admission --tls-client-ca', () => {
  it('given the client CA signed the caller, answers /mutate and /validate as usual', async () => {
    const { port } = await startService();
    const mutated = await call(port, '/mutate', apiserver);
    expect(mutated).toMatchObject({ status: 200, body: { response: { uid: 'uid-finance-prod-p1' } } });
    expect(mutated.body.response).toMatchObject({ allowed: true, patchType: 'JSONPatch' });
    const validated = await call(port, '/validate', apiserver);
    expect(validated).toMatchObject({ status: 200, body: { response: { uid: 'uid-finance-prod-p1' } } });
  });

  it('given no client certificate, refuses the webhooks with 403 but answers the probes and the scrape', async () => {
    const { port, logs } = await startService();
    for (const path of ['/mutate', '/validate']) {
      const answer = await call(port, path);
      expect(answer.status, path).toBe(403);
      expect(answer.body.message).toBe(
        'a client certificate signed by the client CA is required: no client certificate was presented',
      );
      expect(answer.body.response, path).toBeUndefined();
    }
    for (const path of ['/healthz', '/readyz', '/metrics'])
      expect((await call(port, path)).status, path).toBe(200);
    const scrape = String((await call(port, '/metrics')).body.text);
    expect(scrape).toMatch(
      /corral_http_request_duration_seconds_count\{[^}]*route="\/validate"[^}]*status_code="403"[^}]*\} 1/,
    );
    // Refused before the rules ran: no review was counted.
    expect(scrape).not.toMatch(/corral_admission_requests_total\{/);
    // One warning for the two refusals of this peer (at most one a minute), not one per call.
    const warnings = logs.lines.filter((l) => String(l['msg']).startsWith('request refused'));
    expect(warnings).toEqual([expect.objectContaining({ level: 'warn', peer: '127.0.0.1', url: '/mutate' })]);
  });

  it('given a certificate of another CA, completes the TLS handshake and answers 403', async () => {
    const { port } = await startService();
    const answer = await call(port, '/validate', stranger);
    expect(answer.status).toBe(403);
    expect(answer.body.message).toMatch(
      /^a client certificate signed by the client CA is required: the client certificate is not signed by the client CA/,
    );
  });

  it('given --tls-client-name, accepts the named caller and refuses a certificate of the CA that names someone else', async () => {
    const { port } = await startService(['--tls-client-name', 'kube-apiserver']);
    expect((await call(port, '/validate', apiserver)).status).toBe(200);
    const other = generateSignedPair(scratch, apiserverCa, 0x604, 'someone-else', []);
    const answer = await call(port, '/validate', other);
    expect(answer.status).toBe(403);
    expect(answer.body.message).toContain('the client certificate does not name kube-apiserver');
  });

  it('given the CA rotated on disk, accepts clients of the new CA without a restart', async () => {
    const { port, caFile } = await startService();
    expect((await call(port, '/validate', renewed)).status).toBe(403);
    writeFileSync(caFile, Buffer.concat([apiserverCa.cert, nextCa.cert]));
    await vi.waitFor(async () => expect((await call(port, '/validate', renewed)).status).toBe(200), {
      timeout: 15_000,
      interval: 100,
    });
    expect((await call(port, '/validate', apiserver)).status).toBe(200);
  });
});

describe('corral admission --tls-client-ca: a bad setting', () => {
  it('given a client CA file that does not exist, does not start: exit 1 naming the file', async () => {
    const serving = generateSignedPair(scratch, servingCa, serial++, 'corral-admission');
    const missing = join(scratch, 'missing-ca.crt');
    const stderr: string[] = [];
    const code = await commands.admission(
      [
        ...['--policies', 'examples', '--listen', '127.0.0.1:0', '--tls-cert', serving.certFile],
        ...['--tls-key', serving.keyFile, '--tls-client-ca', missing],
      ],
      { stdout: () => undefined, stderr: (text) => void stderr.push(text), env: {}, cwd: ROOT },
    );
    expect(code).toBe(1);
    expect(stderr.join('')).toContain(
      `cannot start: RUNTIME_ERR_TLS_CLIENT_CA: cannot read client CA ${missing}`,
    );
  });

  it('given --tls-client-ca without a serving pair, exits 2 saying what it needs', async () => {
    const stderr: string[] = [];
    const code = await commands.admission(['--policies', 'examples', '--tls-client-ca', '/ca.crt'], {
      stdout: () => undefined,
      stderr: (text) => void stderr.push(text),
      env: {},
      cwd: ROOT,
    });
    expect(code).toBe(2);
    expect(stderr.join('')).toContain(
      '--tls-client-ca verifies clients over TLS: it needs --tls-cert and --tls-key',
    );
  });
});

describe('buildAdmissionServer with a client CA: forged reviews', () => {
  it('given a stream of forged pod CREATEs without a certificate, reserves nothing: the real pod still fits the quota', async () => {
    const { serving, caFile } = tlsFiles();
    server = buildAdmissionServer({
      snapshot: teamSnapshot(1),
      settings: DEFAULT_RULE_SETTINGS,
      logger: createLogger({
        level: 'info',
        name: 'admission-test',
        destination: memoryDestination().stream,
      }),
      readiness: () => ({ ready: true, reasons: [] }),
      https: { certFile: serving.certFile, keyFile: serving.keyFile, clientCaFile: caFile },
      deadlineMs: 2000,
      reservationTtlMs: 60_000,
      metrics: createMetrics({ service: 'admission', processMetrics: false }),
    });
    await server.app.listen({ host: '127.0.0.1', port: 0 });
    const address = server.app.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const pod = (name: string) => podReview('team-a', name, { containers: [{ name: 'a', image: 'x' }] });
    for (const name of ['forged-1', 'forged-2', 'forged-3'])
      expect((await call(port, '/validate', undefined, pod(name))).status).toBe(403);
    const real = await call(port, '/validate', apiserver, pod('real'));
    expect(real.status).toBe(200);
    expect(real.body.response).toMatchObject({ uid: 'uid-team-a-real', allowed: true });
    // The quota (1 pod) is now held by the real pod: a second real one is refused by the rules.
    const second = await call(port, '/validate', apiserver, pod('real-2'));
    expect(second.body.response).toMatchObject({ allowed: false, status: { code: 403 } });
  });
});
