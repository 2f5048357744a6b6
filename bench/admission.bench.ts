/**
 * Admission webhook benchmark (issue #5): pod CREATE with every rule active against the real HTTPS
 * server, beside a no-op fastify HTTPS webhook measured in the same run. Each server runs in its own
 * process; autocannon runs here. Run: `npx tsx --conditions corral-source bench/admission.bench.ts`.
 *
 * Reports (1) max throughput with 32 connections, as a ratio to the no-op webhook, and (2) latency
 * percentiles at a fixed 2,000 requests/s.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { generatePair } from '../packages/runtime/src/tls/__fixtures__/openssl.js';

const DURATION = Number(process.env['BENCH_SECONDS'] ?? 8);
const SERVER = fileURLToPath(new URL('./admission-bench-server.ts', import.meta.url));

const SHA = `@sha256:${'a'.repeat(64)}`;
const review = (webhookUid: string) =>
  JSON.stringify({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: webhookUid,
      kind: { group: '', version: 'v1', kind: 'Pod' },
      resource: { group: '', version: 'v1', resource: 'pods' },
      namespace: 'finance-prod',
      name: 'payments-worker-0',
      operation: 'CREATE',
      userInfo: { username: 'dev', groups: ['system:authenticated'] },
      object: {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: 'payments-worker-0',
          namespace: 'finance-prod',
          labels: { app: 'payments-worker' },
        },
        spec: {
          initContainers: [
            { name: 'migrate', image: `harbor.example.com/finance/payments/migrate:3.1.0${SHA}` },
          ],
          containers: [
            { name: 'worker', image: `harbor.example.com/finance/payments/worker:3.1.0${SHA}` },
            {
              name: 'sidecar',
              image: `harbor.example.com/library/envoy:1.30${SHA}`,
              resources: { requests: { cpu: '50m' } },
            },
          ],
          tolerations: [
            {
              key: 'node.kubernetes.io/not-ready',
              operator: 'Exists',
              effect: 'NoExecute',
              tolerationSeconds: 300,
            },
          ],
        },
      },
      oldObject: null,
      dryRun: false,
    },
  });

async function startServer(
  mode: string,
  cert: string,
  key: string,
): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(SERVER, [mode, cert, key], {
    execArgv: ['--import', 'tsx', '--conditions', 'corral-source'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m) => resolve((m as { port: number }).port));
    child.once('exit', (code) => reject(new Error(`${mode} server exited ${code}`)));
  });
  return { child, port };
}

interface Run {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

async function load(port: number, path: string, body: string, rate?: number): Promise<Run> {
  const result = await autocannon({
    url: `https://127.0.0.1:${port}${path}`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    connections: rate ? 16 : 32,
    duration: DURATION,
    ...(rate ? { overallRate: rate } : {}),
    // self-signed bench certificate
    ...({ tlsOptions: { rejectUnauthorized: false } } as object),
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
  };
}

const dir = mkdtempSync(join(tmpdir(), 'corral-bench-'));
const pair = generatePair(dir, 77);
const { certFile: cert, keyFile: key } = pair;
process.env['NODE_TLS_REJECT_UNAUTHORIZED'] = '0';

const body = review('3f1c7f0e-0000-4000-8000-000000000001');
const results: Record<string, Run> = {};
for (const mode of ['noop', 'runtime-noop', 'admission'] as const) {
  const { child, port } = await startServer(mode, cert, key);
  try {
    await load(port, '/validate', body); // warm-up
    const paths = mode === 'admission' ? ['/mutate', '/validate'] : ['/validate'];
    for (const path of paths) {
      results[`${mode} ${path} max`] = await load(port, path, body);
      results[`${mode} ${path} @2000/s`] = await load(port, path, body, 2000);
    }
  } finally {
    child.kill('SIGTERM');
  }
}

const baseline = results['noop /validate max']?.rps ?? 1;
console.log(`duration ${DURATION}s per run, cpus: server 1 process, autocannon in the parent`);
console.log('run                          req/s     ratio   p50 ms  p99 ms  errors non2xx');
for (const [name, run] of Object.entries(results)) {
  console.log(
    `${name.padEnd(28)} ${run.rps.toFixed(0).padStart(7)}  ${(run.rps / baseline).toFixed(2).padStart(6)}  ${String(run.p50).padStart(6)}  ${String(run.p99).padStart(6)}  ${String(run.errors).padStart(6)} ${String(run.non2xx).padStart(6)}`,
  );
}
