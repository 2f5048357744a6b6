/**
 * Helpers for the certificate bootstrap tests: replicas started with `--tls-bootstrap-secret` against
 * the fake API server, the webhook configurations of deploy/admission, and TLS clients that either
 * trust only the CA bundle or just look at what the server presents.
 */
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import type { RunningAdmission } from '@corral/admission';
import { systemClock, type Clock, type MemoryDestination } from '@corral/runtime';
import type { FakeApiServer, KubeObject } from '../fake-apiserver/index.js';
import { httpsCall, startAdmissionService } from './support.js';

export const NAMESPACE = 'corral-system';
export const SECRET = 'corral-admission-tls';
export const HOST = 'corral-admission.corral-system.svc';
export const SECRET_PATH = `/api/v1/namespaces/${NAMESPACE}/secrets/${SECRET}`;
const WEBHOOKS = '/apis/admissionregistration.k8s.io/v1';

/** The two webhook configurations exactly as deploy/admission ships them (no caBundle). */
export function webhookManifests(): KubeObject[] {
  const file = fileURLToPath(new URL('../../../deploy/admission/webhooks.yaml', import.meta.url));
  return parseAllDocuments(readFileSync(file, 'utf8')).map((doc) => doc.toJS() as KubeObject);
}

/** A clock whose time can be moved by the test (timers stay real). */
export function offsetClock(offsetMs = 0): Clock & { offsetMs: number } {
  const clock = { offsetMs, now: () => Date.now() + clock.offsetMs, after: systemClock.after };
  return clock;
}

export interface TlsReplica {
  readonly running: RunningAdmission;
  readonly logs: MemoryDestination;
  readonly certFile: string;
  /** GET over HTTPS: trusting only `ca`, or (without it) anything. */
  get(path: string, ca?: string): Promise<{ status: number; body: string }>;
}

/** Runs `corral admission --kubeconfig … --tls-bootstrap-secret corral-admission-tls` on 127.0.0.1:0. */
export async function startTlsReplica(
  api: FakeApiServer,
  options: { flags?: readonly string[]; clock?: Clock } = {},
): Promise<TlsReplica> {
  const dir = mkdtempSync(join(tmpdir(), 'corral-adm-tls-'));
  const certFile = join(dir, 'tls', 'tls.crt');
  const { running, logs } = await startAdmissionService({
    api,
    token: 'tls-token',
    dir,
    flags: [
      '--no-shared-quota',
      '--no-department-status',
      '--no-events',
      `--tls-cert=${certFile}`,
      `--tls-key=${join(dir, 'tls', 'tls.key')}`,
      `--tls-bootstrap-secret=${SECRET}`,
      ...(options.flags ?? []),
    ],
    ...(options.clock ? { clock: options.clock } : {}),
  });
  return { running, logs, certFile, get: (path, ca) => httpsGet(`${running.url}${path}`, ca) };
}

/**
 * The replicas a test starts against the fake API server `api()` (the one its beforeEach made);
 * `stopAll()`, for its afterEach, stops every one.
 */
export function replicaPool(api: () => FakeApiServer) {
  const replicas: TlsReplica[] = [];
  return {
    async start(options?: Parameters<typeof startTlsReplica>[1]): Promise<TlsReplica> {
      const replica = await startTlsReplica(api(), options);
      replicas.push(replica);
      return replica;
    },
    async stopAll(): Promise<void> {
      await Promise.all(replicas.splice(0).map((r) => r.running.stop()));
    },
  };
}

function httpsGet(url: string, ca?: string): Promise<{ status: number; body: string }> {
  return httpsCall(url, { servername: HOST, ...(ca ? { ca } : {}) }).then(({ status, text }) => ({
    status,
    body: text,
  }));
}

/** The certificate the server presents (not verified). */
export function servedCertificate(url: string): Promise<X509Certificate> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(
      { host: target.hostname, port: Number(target.port), servername: HOST, rejectUnauthorized: false },
      () => {
        const raw = socket.getPeerCertificate().raw;
        socket.destroy();
        resolve(new X509Certificate(raw));
      },
    );
    socket.on('error', reject);
  });
}

/** The Secret's data, decoded, with its metadata; undefined when there is none. */
export async function readSecret(
  api: FakeApiServer,
): Promise<{ data: Record<string, string>; object: KubeObject } | undefined> {
  const res = await fetch(`${api.url}${SECRET_PATH}`);
  if (res.status === 404) return undefined;
  const object = (await res.json()) as KubeObject & { data?: Record<string, string> };
  const data = Object.fromEntries(
    Object.entries(object.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]),
  );
  return { data, object };
}

/** Every webhook's name and decoded caBundle, over both configurations named corral-admission. */
export async function webhookBundles(api: FakeApiServer): Promise<Record<string, string | undefined>> {
  const out: Record<string, string | undefined> = {};
  for (const plural of ['mutatingwebhookconfigurations', 'validatingwebhookconfigurations']) {
    const res = await fetch(`${api.url}${WEBHOOKS}/${plural}/corral-admission`);
    const config = (await res.json()) as {
      webhooks: { name: string; clientConfig: { caBundle?: string } }[];
    };
    for (const hook of config.webhooks) {
      const bundle = hook.clientConfig.caBundle;
      out[hook.name] = bundle === undefined ? undefined : Buffer.from(bundle, 'base64').toString('utf8');
    }
  }
  return out;
}

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${String(last ?? '')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Resolves once the replica reports ready on /readyz. */
export function ready(replica: TlsReplica, timeoutMs?: number): Promise<true> {
  return eventually(
    'readiness',
    async () => ((await replica.get('/readyz')).status === 200 ? true : undefined),
    timeoutMs,
  );
}
