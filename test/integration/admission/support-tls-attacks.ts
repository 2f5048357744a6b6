/**
 * Helpers for the adversarial certificate bootstrap tests (tls-bootstrap-attacks, tls-bootstrap-replicas):
 * hand-made Secrets and CAs, webhook configurations that already trust a CA, and the invariant that a
 * replica never serves a certificate some webhook's caBundle does not trust.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { createCertificateAuthority, issueServingCertificate, type IssuedPair } from '@corral/admission';
import type { ExtraHandler, FakeApiServer } from '../fake-apiserver/index.js';
import { parseResourcePath } from '../fake-apiserver/resources.js';
import { failureStatus, sendStatus } from '../fake-apiserver/status.js';
import {
  eventually,
  HOST,
  NAMESPACE,
  readSecret,
  SECRET,
  servedCertificate,
  webhookBundles,
  webhookManifests,
  type TlsReplica,
} from './support-tls.js';

export const DAY = 86_400_000;
export const MINUTE = 60_000;
export const WEBHOOKS = '/apis/admissionregistration.k8s.io/v1';
export const PATCH_PATHS = [
  `${WEBHOOKS}/mutatingwebhookconfigurations/corral-admission`,
  `${WEBHOOKS}/validatingwebhookconfigurations/corral-admission`,
];
export const b64 = (text: string) => Buffer.from(text).toString('base64');
export const blocks = (pem: string | undefined) =>
  pem?.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** A 30-day CA, 10-day serving certificates, and a resync every second (a rotation within a test). */
export const ROTATION_FLAGS = [
  '--tls-ca-validity-days=30',
  '--tls-cert-validity-days=10',
  '--tls-resync-seconds=1',
];

/** Every caBundle patch answers 500 until `api.clearFailures()`. */
export function failBundlePatches(api: FakeApiServer): void {
  for (const path of PATCH_PATHS) api.failNext(100_000, { path, method: 'PATCH', code: 500 });
}

/** The certificate under `key` (`ca.crt`, `tls.crt`) of the bootstrap's Secret now. */
export async function secretCertificate(api: FakeApiServer, key: string): Promise<X509Certificate> {
  return new X509Certificate((await readSecret(api))?.data[key] ?? '');
}

/** Whether what `replica` serves now was issued by `ca`. */
export async function servesFrom(replica: TlsReplica, ca: X509Certificate): Promise<boolean> {
  return (await servedCertificate(replica.running.url)).checkIssued(ca);
}

/** Waits until `replica` serves a certificate issued by `ca`. */
export function untilServedFrom(replica: TlsReplica, ca: X509Certificate): Promise<true> {
  return eventually('the new CA served', async () => ((await servesFrom(replica, ca)) ? true : undefined));
}

/** Waits until every webhook's caBundle holds `count` certificates; `what` names the wait. */
export function untilEveryBundleHolds(api: FakeApiServer, count: number, what: string): Promise<true> {
  return eventually(what, async () =>
    Object.values(await webhookBundles(api)).every((bundle) => blocks(bundle).length === count)
      ? true
      : undefined,
  );
}

/** Whether `cert` was signed by one of the CA certificates in `bundle` (PEM). */
export function trustedBy(cert: X509Certificate, bundle: string | undefined): boolean {
  return blocks(bundle).some((pem) => {
    const ca = new X509Certificate(pem);
    return cert.checkIssued(ca) && cert.verify(ca.publicKey);
  });
}

/** The names of the webhooks whose caBundle does not trust what `replica` serves now. */
export async function distrusting(api: FakeApiServer, replica: TlsReplica): Promise<string[]> {
  const served = await servedCertificate(replica.running.url);
  const bundles = await webhookBundles(api);
  return Object.entries(bundles)
    .filter(([, bundle]) => !trustedBy(served, bundle))
    .map(([name]) => name);
}

/** The webhook manifests with every caBundle set to `bundle` (a cluster already running). */
export function manifestsTrusting(bundle: string) {
  return webhookManifests().map((manifest) => {
    const copy = structuredClone(manifest) as unknown as {
      webhooks: { clientConfig: Record<string, unknown> }[];
    };
    for (const hook of copy.webhooks) hook.clientConfig['caBundle'] = b64(bundle);
    return copy as never;
  });
}

/** The bootstrap's Secret holding `data` (PEM text, encoded here). */
export function secretOf(data: Record<string, string>, annotations: Record<string, string> = {}) {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: SECRET, namespace: NAMESPACE, annotations },
    type: 'kubernetes.io/tls',
    data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, b64(v)])),
  } as never;
}

/** A CA made `caDaysAgo` days ago and a serving certificate for the Service it signed yesterday. */
export async function caAndLeaf(caDaysAgo: number, caDays: number, leafDays: number) {
  const ca = await createCertificateAuthority({
    commonName: `hand-made-${caDaysAgo}`,
    validityDays: caDays,
    now: new Date(Date.now() - caDaysAgo * DAY),
  });
  const leaf = await issueServingCertificate({
    ca,
    dnsNames: [HOST, `${HOST}.cluster.local`],
    validityDays: leafDays,
    now: new Date(Date.now() - DAY),
  });
  return { ca, leaf };
}

/**
 * A cluster already running: a 30-day CA made `caDaysAgo` days ago and its 10-day serving pair in the
 * Secret, and every caBundle trusting that CA.
 */
export async function runningCluster(api: FakeApiServer, caDaysAgo: number) {
  const { ca, leaf } = await caAndLeaf(caDaysAgo, 30, 10);
  api.upsert(secretOf(pairData(ca, leaf)));
  for (const manifest of manifestsTrusting(ca.certPem)) api.upsert(manifest);
  return { ca, leaf };
}

/** The Secret's keys for a CA and its serving pair; the bundle holds the CA unless given. */
export const pairData = (ca: IssuedPair, leaf: IssuedPair, bundle = ca.certPem) => ({
  'ca.crt': ca.certPem,
  'ca.key': ca.keyPem,
  'tls.crt': leaf.certPem,
  'tls.key': leaf.keyPem,
  'ca-bundle.crt': bundle,
});

/**
 * Checks, every 100 ms, that every webhook trusts what `replica` serves, for 3 s and until `failures`
 * more reconciliations have failed (longer than the reloader takes to swap in new files).
 */
export async function watchServed(api: FakeApiServer, replica: TlsReplica, failures: number) {
  const failed = () => replica.logs.lines.filter((l) => /retrying/.test(String(l['msg']))).length;
  const wanted = failed() + failures;
  const deadline = Date.now() + 3000;
  while (Date.now() < deadline || failed() < wanted) {
    expect(await distrusting(api, replica)).toEqual([]);
    await sleep(100);
  }
}

interface RbacRule {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
  readonly resourceNames?: readonly string[];
}

/** The rules of deploy/admission/tls-bootstrap-rbac.yaml: each with the namespace it applies in. */
function bootstrapRbacRules(): { namespace: string | undefined; rule: RbacRule }[] {
  const file = fileURLToPath(new URL('../../../deploy/admission/tls-bootstrap-rbac.yaml', import.meta.url));
  return parseAllDocuments(readFileSync(file, 'utf8'))
    .map((doc) => doc.toJS() as { kind: string; metadata: { namespace?: string }; rules?: RbacRule[] })
    .filter((doc) => doc.kind === 'Role' || doc.kind === 'ClusterRole')
    .flatMap((doc) => (doc.rules ?? []).map((rule) => ({ namespace: doc.metadata.namespace, rule })));
}

const GUARDED = new Set(['secrets', 'mutatingwebhookconfigurations', 'validatingwebhookconfigurations']);

function verbOf(method: string, name: string | undefined, watch: boolean): string {
  if (method === 'GET') return name !== undefined ? 'get' : watch ? 'watch' : 'list';
  return { POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: 'delete' }[method] ?? method;
}

/**
 * An `extra` handler for the fake API server that authorizes requests on Secrets and webhook
 * configurations as kube-apiserver's RBAC would with only the bootstrap's Role and ClusterRole
 * (a list or watch with a `metadata.name` field selector is authorized against resourceNames), and
 * answers 403 to the others; `denied` collects what it refused.
 */
export function bootstrapRbac(denied: string[]): ExtraHandler {
  const rules = bootstrapRbacRules();
  return (req, res, url) => {
    const target = parseResourcePath(url.pathname);
    if (target === undefined || !GUARDED.has(target.resource.plural)) return false;
    const watch = url.searchParams.get('watch') === 'true' || url.searchParams.get('watch') === '1';
    const selected = /^metadata\.name=(.+)$/.exec(url.searchParams.get('fieldSelector') ?? '')?.[1];
    const name = target.name ?? selected;
    const verb = verbOf(req.method ?? 'GET', target.name, watch);
    const group = target.resource.apiVersion.includes('/') ? target.resource.apiVersion.split('/')[0] : '';
    const allowed = rules.some(
      ({ namespace, rule }) =>
        (namespace === undefined || namespace === target.namespace) &&
        rule.apiGroups.includes(group ?? '') &&
        rule.resources.includes(target.resource.plural) &&
        rule.verbs.includes(verb) &&
        (rule.resourceNames === undefined || (name !== undefined && rule.resourceNames.includes(name))),
    );
    if (allowed) return false;
    denied.push(`${verb} ${target.resource.plural} ${target.namespace ?? ''}/${name ?? ''}`);
    sendStatus(res, failureStatus(403, 'Forbidden', `forbidden: ${verb} ${target.resource.plural}`));
    return true;
  };
}

/**
 * Samples every 50 ms, for each replica that reports ready, whether every webhook's caBundle trusts
 * what it serves (kube-apiserver only calls ready endpoints); `stop()` returns what went wrong.
 */
export function watchInvariant(api: FakeApiServer, replicas: readonly TlsReplica[]) {
  const violations: string[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      for (const [i, replica] of replicas.entries()) {
        const readyz = await replica.get('/readyz').catch(() => ({ status: 0 }));
        if (readyz.status !== 200) continue;
        const untrusting = await distrusting(api, replica).catch(() => []);
        if (untrusting.length > 0) violations.push(`replica ${i}: not trusted by ${untrusting.join(', ')}`);
      }
      await sleep(50);
    }
  })();
  return {
    async stop(): Promise<string[]> {
      running = false;
      await loop;
      return violations;
    },
  };
}

/**
 * Every version of the mutating configuration a watch delivers from now on: its resourceVersion and
 * each webhook's caBundle (PEM); `stop()` ends the watch and returns them.
 */
export function recordMutatingVersions(api: FakeApiServer) {
  const versions: { resourceVersion: number; bundles: string[] }[] = [];
  let buffered = '';
  const req = request(
    `${api.url}${WEBHOOKS}/mutatingwebhookconfigurations?watch=true&fieldSelector=metadata.name=corral-admission`,
  );
  req.on('response', (res) => {
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines.filter((l) => l.trim() !== '')) {
        const { object } = JSON.parse(line) as {
          object: {
            metadata: { resourceVersion: string };
            webhooks: { clientConfig: { caBundle?: string } }[];
          };
        };
        versions.push({
          resourceVersion: Number(object.metadata.resourceVersion),
          bundles: object.webhooks.map((h) =>
            Buffer.from(h.clientConfig.caBundle ?? '', 'base64').toString(),
          ),
        });
      }
    });
  });
  req.on('error', () => undefined);
  req.end();
  return {
    async stop() {
      await sleep(300);
      req.destroy();
      return versions;
    },
  };
}
