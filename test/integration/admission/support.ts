import { EventEmitter } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createMetrics,
  memoryDestination,
  createLogger,
  type Clock,
  type MemoryDestination,
  type ProcessLike,
} from '@corral/runtime';
import { rawNamespace, SnapshotStore, type ClusterSnapshot } from '@corral/cluster';
import {
  buildAdmissionServer,
  DEFAULT_RULE_SETTINGS,
  startAdmission,
  type AdmissionServer,
  type AdmissionServerOptions,
  type RunningAdmission,
} from '@corral/admission';
import { generatePair } from '../../../packages/runtime/src/tls/__fixtures__/openssl.js';
import { fakeKubeConfig, type FakeApiServer } from '../fake-apiserver/index.js';

/** A reply as tests read it (fields may be absent at run time; assertions check them). */
export interface Reply {
  apiVersion: string;
  kind: string;
  code: string;
  message: string;
  response: {
    uid: string;
    allowed: boolean;
    patch: string;
    patchType: string;
    warnings: string[];
    status: { code: number; message: string };
  };
}

export interface HttpsCall {
  readonly method?: string;
  /** Sent as is; a JSON content type is declared when there is a body. */
  readonly body?: string | Buffer;
  /** Trust this CA (else `agent`, else certificates are not verified). */
  readonly ca?: string | Buffer;
  readonly agent?: Agent;
  /** TLS server name (SNI) to ask for. */
  readonly servername?: string;
}

/** One HTTPS request, its status and text: what every admission integration test sends. */
export function httpsCall(url: string, call: HttpsCall = {}): Promise<{ status: number; text: string }> {
  const target = new URL(url);
  const agent = call.agent ?? new Agent(call.ca ? { ca: call.ca } : { rejectUnauthorized: false });
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: call.method ?? 'GET',
        agent,
        ...(call.servername ? { servername: call.servername } : {}),
        headers: call.body === undefined ? {} : { 'content-type': 'application/json' },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    req.on('error', reject);
    req.end(call.body);
  });
}

export interface HttpsWebhook {
  readonly url: string;
  readonly server: AdmissionServer;
  readonly logs: MemoryDestination;
  post(path: string, body: unknown): Promise<{ status: number; body: Reply }>;
  postRaw(path: string, raw: string | Buffer): Promise<{ status: number; body: Reply }>;
  get(path: string): Promise<{ status: number; text: string }>;
  close(): Promise<void>;
}

/** Starts the real admission server over HTTPS on 127.0.0.1:0 with a fresh openssl certificate. */
export async function startHttpsWebhook(
  snapshot: ClusterSnapshot,
  deadlineMs = 2000,
  extra: Partial<AdmissionServerOptions> = {},
): Promise<HttpsWebhook> {
  const dir = mkdtempSync(join(tmpdir(), 'corral-adm-'));
  const pair = generatePair(dir, Math.floor(Math.random() * 1e6) + 1);
  const { certFile, keyFile } = pair;
  const logs = memoryDestination();
  const logger = createLogger({ level: 'info', name: 'admission-test', destination: logs.stream });
  const server = buildAdmissionServer({
    snapshot,
    settings: DEFAULT_RULE_SETTINGS,
    logger,
    readiness: () => ({ ready: true, reasons: [] }),
    https: { certFile, keyFile },
    deadlineMs,
    reservationTtlMs: 60_000,
    metrics: createMetrics({ service: 'admission', processMetrics: false }),
    ...extra,
  });
  await server.app.listen({ host: '127.0.0.1', port: 0 });
  const address = server.app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const agent = new Agent({ ca: pair.cert, keepAlive: true, maxSockets: 64 });
  const url = `https://127.0.0.1:${port}`;
  const send = (method: string, path: string, body?: string | Buffer) =>
    httpsCall(`${url}${path}`, { method, agent, ...(body === undefined ? {} : { body }) });
  const postRaw = async (path: string, raw: string | Buffer) => {
    const res = await send('POST', path, raw);
    return { status: res.status, body: JSON.parse(res.text) as Reply };
  };
  return {
    url,
    server,
    logs,
    post: (path, body) => postRaw(path, JSON.stringify(body)),
    postRaw,
    get: (path) => send('GET', path),
    close: async () => {
      agent.destroy();
      await server.app.close();
    },
  };
}

export interface AdmissionServiceOptions {
  /** With a fake API server: writes a kubeconfig for it (bearer `token`) and passes --kubeconfig. */
  readonly api?: FakeApiServer;
  readonly token?: string;
  /** Flags after --kubeconfig, --listen 127.0.0.1:0 and --drain-delay-ms 0. */
  readonly flags?: readonly string[];
  /** Holds the kubeconfig; a new temporary folder by default. */
  readonly dir?: string;
  /** The service's working folder (relative --policies paths); `dir` by default. */
  readonly cwd?: string;
  readonly clock?: Clock;
}

export interface AdmissionService {
  readonly running: RunningAdmission;
  readonly logs: MemoryDestination;
  /** Stands in for `process`: emit 'SIGTERM' to stop the service; `codes` holds its exit codes. */
  readonly process: ProcessLike & EventEmitter & { readonly codes: number[] };
}

/**
 * Runs `corral admission` in process (startAdmission) on 127.0.0.1:0 with no drain delay, logs kept
 * in memory and a fake `process`; with `api`, against the fake API server through a kubeconfig.
 */
export async function startAdmissionService(
  options: AdmissionServiceOptions = {},
): Promise<AdmissionService> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'corral-adm-svc-'));
  const kubeconfig: string[] = [];
  if (options.api) {
    kubeconfig.push('--kubeconfig', join(dir, 'kubeconfig'));
    const config = fakeKubeConfig(options.api.url, options.token ?? 'test-token');
    writeFileSync(join(dir, 'kubeconfig'), config.exportConfig());
  }
  const codes: number[] = [];
  const proc = Object.assign(new EventEmitter(), { codes, exit: (code: number) => void codes.push(code) });
  const logs = memoryDestination();
  const running = await startAdmission(
    [
      ...kubeconfig,
      '--listen',
      '127.0.0.1:0',
      ...(options.flags?.includes('--drain-delay-ms') ? [] : ['--drain-delay-ms', '0']),
      ...(options.flags ?? []),
    ],
    { stdout: () => undefined, stderr: () => undefined, env: {}, cwd: options.cwd ?? dir },
    { process: proc, logDestination: logs.stream, ...(options.clock ? { clock: options.clock } : {}) },
  );
  return { running, logs, process: proc };
}

/** A minimal AdmissionReview v1 for a pod CREATE. */
export function podReview(
  namespace: string,
  name: string,
  spec: Record<string, unknown>,
  extra: Record<string, unknown> = {},
) {
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: `uid-${namespace}-${name}`,
      kind: { group: '', version: 'v1', kind: 'Pod' },
      resource: { group: '', version: 'v1', resource: 'pods' },
      namespace,
      name,
      operation: 'CREATE',
      userInfo: { username: 'dev' },
      object: { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace }, spec },
      oldObject: null,
      ...extra,
    },
  };
}

/**
 * The snapshot one replica holds of a small cluster: namespace `team-a` in Department `team`, whose
 * quota allows `pods` pods. Each replica of a multi-replica test gets its own, as each Deployment pod
 * has its own watch cache.
 */
export function teamSnapshot(pods: number): SnapshotStore {
  const store = new SnapshotStore();
  store.replaceAll('Namespace', [rawNamespace('team-a', { 'corral.dev/department': 'team' })], 'test');
  store.replaceAll(
    'Department',
    [
      {
        apiVersion: 'corral.dev/v1alpha1',
        kind: 'Department',
        metadata: { name: 'team' },
        spec: { quota: { hard: { pods: String(pods) } } },
      },
    ],
    'test',
  );
  return store;
}
