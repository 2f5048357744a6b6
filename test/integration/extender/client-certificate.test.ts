// Mutual TLS for the extender (--tls-client-ca): kube-scheduler presents a certificate the client CA
// signed; anyone else reaching the port gets 403 from the verbs, while kubelet's probes and
// Prometheus (no certificate) still get /healthz, /readyz and /metrics.
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { memoryDestination, type MemoryDestination, type ProcessLike } from '@corral/runtime';
import { loadExtenderConfig, runExtender, type RunningExtender } from '@corral/scheduler-extender';
import {
  generateCa,
  generateSignedPair,
  type GeneratedCa,
  type GeneratedPair,
} from '../../../packages/runtime/src/tls/__fixtures__/openssl.js';
import { httpsCall } from '../../support/https-call.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

let scratch: string;
let servingCa: GeneratedCa;
let schedulerCa: GeneratedCa;
let nextCa: GeneratedCa;
let scheduler: GeneratedPair; // from schedulerCa
let stranger: GeneratedPair; // from a CA the extender never trusts
let renewed: GeneratedPair; // from nextCa
let caFile: string;
let running: RunningExtender | undefined;
let logs: MemoryDestination;

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'corral-extender-mtls-'));
  servingCa = generateCa(scratch, 'serving');
  schedulerCa = generateCa(scratch, 'scheduler');
  nextCa = generateCa(scratch, 'next');
  scheduler = generateSignedPair(scratch, schedulerCa, 0x501, 'kube-scheduler', []);
  stranger = generateSignedPair(scratch, generateCa(scratch, 'stranger'), 0x502, 'kube-scheduler', []);
  renewed = generateSignedPair(scratch, nextCa, 0x503, 'kube-scheduler', []);
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
afterEach(async () => {
  await running?.shutdown.shutdown('test over');
  running = undefined;
});

async function start(extraFlags: readonly string[] = []): Promise<number> {
  const serving = generateSignedPair(scratch, servingCa, 0x5ff, 'corral-extender');
  caFile = join(mkdtempSync(join(scratch, 'ca-')), 'ca.crt');
  writeFileSync(caFile, schedulerCa.cert);
  const argv = [
    ...['--policies', 'examples', '--listen', '127.0.0.1:0'],
    ...['--tls-cert', serving.certFile, '--tls-key', serving.keyFile, '--tls-client-ca', caFile],
    ...extraFlags,
  ];
  const config = loadExtenderConfig(argv, { CORRAL_EXTENDER_DRAIN_DELAY_MS: '0' });
  const signals = new EventEmitter();
  const proc: ProcessLike = {
    on: (s, l) => signals.on(s, l),
    off: (s, l) => signals.off(s, l),
    exit: () => undefined,
  };
  logs = memoryDestination();
  running = await runExtender(config, ROOT, { process: proc, destination: logs.stream });
  return Number(running.address.split(':')[1]);
}

const FILTER_ARGS = {
  Pod: { metadata: { name: 'new', namespace: 'finance-dev' }, spec: { containers: [{ name: 'a' }] } },
  NodeNames: ['finance-a-1', 'shared-a-1'],
};

/** One call on a fresh connection that verifies the extender's certificate, presenting `client` if given. */
function call(
  port: number,
  path: string,
  client?: GeneratedPair,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const post = path.startsWith('/scheduler/');
  return httpsCall({
    port,
    path,
    ca: servingCa.cert,
    ...(post ? { body: FILTER_ARGS } : {}),
    ...(client ? { client } : {}),
  });
}

describe('corral extender --tls-client-ca', () => {
  it('given the client CA signed the caller, answers filter as usual', async () => {
    const port = await start();
    expect(await call(port, '/scheduler/filter', scheduler)).toMatchObject({
      status: 200,
      body: { NodeNames: ['finance-a-1'] },
    });
  });

  it('given no client certificate, refuses the verbs with 403 but answers the probes and the scrape', async () => {
    const port = await start();
    for (const verb of ['filter', 'prioritize', 'preempt', 'bind']) {
      const answer = await call(port, `/scheduler/${verb}`);
      expect(answer.status, verb).toBe(403);
      expect(answer.body['message']).toBe(
        'a client certificate signed by the client CA is required: no client certificate was presented',
      );
    }
    for (const path of ['/healthz', '/readyz', '/metrics'])
      expect((await call(port, path)).status, path).toBe(200);
    const scrape = String((await call(port, '/metrics')).body['text']);
    expect(scrape).toMatch(
      /corral_http_request_duration_seconds_count\{[^}]*route="\/scheduler\/filter"[^}]*status_code="403"[^}]*\} 1/,
    );
    // One warning for the four refusals of this peer (at most one a minute), not one per call.
    const warnings = logs.lines.filter((l) => String(l['msg']).startsWith('request refused'));
    expect(warnings).toEqual([
      expect.objectContaining({ level: 'warn', peer: '127.0.0.1', url: '/scheduler/filter' }),
    ]);
    expect(logs.lines.filter((l) => l['statusCode'] === 403 && l['level'] !== 'debug')).toEqual([]);
  });

  it('given a certificate of another CA, completes the TLS handshake and answers 403', async () => {
    const port = await start();
    const answer = await call(port, '/scheduler/filter', stranger);
    expect(answer.status).toBe(403);
    expect(answer.body['message']).toMatch(
      /^a client certificate signed by the client CA is required: the client certificate is not signed by the client CA/,
    );
  });

  it('given the CA rotated on disk, accepts clients of the new CA without a restart', async () => {
    const port = await start();
    expect((await call(port, '/scheduler/filter', renewed)).status).toBe(403);
    writeFileSync(caFile, Buffer.concat([schedulerCa.cert, nextCa.cert])); // old and new during the rotation
    await vi.waitFor(async () => expect((await call(port, '/scheduler/filter', renewed)).status).toBe(200), {
      timeout: 15_000,
      interval: 100,
    });
    expect((await call(port, '/scheduler/filter', scheduler)).status).toBe(200);
    writeFileSync(caFile, nextCa.cert); // rotation done: the old CA goes
    await vi.waitFor(
      async () => expect((await call(port, '/scheduler/filter', scheduler)).status).toBe(403),
      {
        timeout: 15_000,
        interval: 100,
      },
    );
    expect((await call(port, '/scheduler/filter', renewed)).status).toBe(200);
  });

  it('given --tls-client-name, refuses a certificate of the CA that names someone else', async () => {
    const port = await start(['--tls-client-name', 'system:kube-scheduler']);
    const answer = await call(port, '/scheduler/filter', scheduler);
    expect(answer.status).toBe(403);
    expect(answer.body['message']).toContain('the client certificate does not name system:kube-scheduler');
  });

  it('given a client CA file that does not exist, does not start and names the file', async () => {
    const serving = generateSignedPair(scratch, servingCa, 0x5fe, 'corral-extender');
    const missing = join(scratch, 'missing-ca.crt');
    const argv = ['--policies', 'examples', '--listen', '127.0.0.1:0', '--tls-cert', serving.certFile];
    const config = loadExtenderConfig(
      [...argv, '--tls-key', serving.keyFile, '--tls-client-ca', missing],
      {},
    );
    const proc: ProcessLike = { on: () => undefined, off: () => undefined, exit: () => undefined };
    await expect(
      runExtender(config, ROOT, { process: proc, destination: memoryDestination().stream }),
    ).rejects.toThrow(
      expect.objectContaining({
        code: 'RUNTIME_ERR_TLS_CLIENT_CA',
        message: `cannot read client CA ${missing}`,
      }),
    );
  });
});
