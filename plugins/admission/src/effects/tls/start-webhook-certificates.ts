import { systemClock, type Clock, type KeyPairFiles, type Readiness } from '@corral/runtime';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { AdmissionConfig } from '../../config.js';
import { CA_OVERLAP_MS, RENEW_AT_FRACTION } from '../../decide/certificates.js';
import { loadKubeConfig } from '../open-policies.js';
import { startCertificateBootstrap, type CertificateBootstrap } from './certificate-bootstrap.js';
import { createCertificateMetrics } from './certificate-metrics.js';
import { servedSerialNumber } from './served-certificate.js';
import { ensureStartupPair } from './serving-files.js';
import { settleTlsSecret } from './settle-tls-secret.js';
import { TlsSecretClient } from './tls-secret-client.js';
import { watchNamedObjects, type NamedObject } from './watch-named-objects.js';
import { WebhookCaBundles, type WebhookTarget } from './webhook-ca-bundles.js';

type Bootstrap = AdmissionConfig['tlsBootstrap'];

/** The serving certificate's names: what the apiserver dials for a service webhook, then the extras. */
export function bootstrapDnsNames(bootstrap: Bootstrap): string[] {
  const host = `${bootstrap.service}.${bootstrap.namespace}.svc`;
  return [...new Set([host, `${host}.cluster.local`, ...bootstrap.dnsNames])];
}

function webhookTargets(bootstrap: Bootstrap): WebhookTarget[] {
  return [
    ...bootstrap.mutatingWebhooks.map((name) => ({ kind: 'MutatingWebhookConfiguration' as const, name })),
    ...bootstrap.validatingWebhooks.map((name) => ({
      kind: 'ValidatingWebhookConfiguration' as const,
      name,
    })),
  ];
}

function watchedObjects(bootstrap: Bootstrap, secret: string): NamedObject[] {
  const group = '/apis/admissionregistration.k8s.io/v1';
  return [
    { path: `/api/v1/namespaces/${bootstrap.namespace}/secrets`, name: secret },
    ...bootstrap.mutatingWebhooks.map((name) => ({ path: `${group}/mutatingwebhookconfigurations`, name })),
    ...bootstrap.validatingWebhooks.map((name) => ({
      path: `${group}/validatingwebhookconfigurations`,
      name,
    })),
  ];
}

export interface StartCertificatesOptions {
  /** Where the server listens (the bootstrap checks over TLS what it serves). */
  readonly host: string;
  readonly port: number;
  readonly registry: Registry;
  /** Replaces the wall clock and timers (tests). */
  readonly clock?: Clock;
}

export interface PreparedCertificates {
  /** Starts keeping the certificate current; call once the server listens. */
  start(options: StartCertificatesOptions): Promise<{ stop(): Promise<void> }>;
}

/**
 * With `--tls-bootstrap-secret`: makes sure the server can start (a throwaway pair in the serving files
 * when they hold none), marks the service not ready until the Secret's pair is served, and returns
 * how to start the bootstrap once the server listens. Undefined when the bootstrap is off.
 */
export async function prepareWebhookCertificates(
  config: AdmissionConfig,
  logger: Logger,
  readiness: Readiness,
): Promise<PreparedCertificates | undefined> {
  const bootstrap = config.tlsBootstrap;
  const secret = bootstrap.secret;
  if (!secret || !config.tls.cert || !config.tls.key) return undefined;
  const files: KeyPairFiles = { certFile: config.tls.cert, keyFile: config.tls.key };
  const dnsNames = bootstrapDnsNames(bootstrap);
  const ready = (ok: boolean, reason?: string) => readiness.set('tls', ok, reason);
  const trusted = (ok: boolean, reason?: string) => readiness.set('tls-ca-bundle', ok, reason);
  ready(false, `waiting for the serving certificate from Secret ${bootstrap.namespace}/${secret}`);
  if (await ensureStartupPair(files, dnsNames)) {
    logger.info(
      { certFile: files.certFile },
      'no serving certificate yet: serving a throwaway one until the bootstrap writes it',
    );
  }
  return {
    async start(options) {
      const kubeConfig = await loadKubeConfig({
        ...(config.kubeconfig ? { kubeconfig: config.kubeconfig } : {}),
        inCluster: config.inCluster,
      });
      if (!kubeConfig) throw new Error('the certificate bootstrap needs a cluster');
      const clock = options.clock ?? systemClock;
      const { Watch } = await import('@kubernetes/client-node');
      const service = { name: bootstrap.service, namespace: bootstrap.namespace };
      const [store, webhooks] = await Promise.all([
        TlsSecretClient.fromKubeConfig(kubeConfig, bootstrap.namespace, secret),
        WebhookCaBundles.fromKubeConfig(kubeConfig, service, webhookTargets(bootstrap)),
      ]);
      const policy = { dnsNames, renewAtFraction: RENEW_AT_FRACTION, caOverlapMs: CA_OVERLAP_MS };
      const running: CertificateBootstrap = startCertificateBootstrap({
        settle: (trustedSince) =>
          settleTlsSecret({
            store,
            policy,
            issue: {
              dnsNames,
              caName: `${bootstrap.service}.${bootstrap.namespace}-ca`,
              caValidityDays: bootstrap.caValidityDays,
              certValidityDays: bootstrap.certValidityDays,
            },
            now: () => clock.now(),
            trustedSince,
            trustedCas: async () =>
              (await webhooks.observe()).map((observed) => observed.caBundle ?? '').join('\n'),
          }),
        webhooks,
        currentBundle: async () => (await store.get())?.material.bundle,
        policy,
        files,
        servedSerial: () =>
          servedSerialNumber({
            host: options.host,
            port: options.port,
            servername: dnsNames[0] ?? 'localhost',
          }),
        secret: `${bootstrap.namespace}/${secret}`,
        clock,
        logger,
        metrics: createCertificateMetrics(options.registry),
        ready,
        trusted,
        resyncMs: bootstrap.resyncSeconds * 1000,
      });
      const failing = new Set<string>();
      const watches = watchNamedObjects({
        watch: new Watch(kubeConfig),
        objects: watchedObjects(bootstrap, secret),
        clock,
        onChange: (object) => {
          failing.delete(object.name + object.path);
          running.trigger();
        },
        onError: (object, err) => {
          const key = object.name + object.path;
          if (!failing.has(key))
            logger.warn(
              { err, path: object.path, name: object.name },
              'watch failed; retrying (the periodic resync still runs)',
            );
          failing.add(key);
        },
      });
      return {
        async stop() {
          watches.stop();
          await running.stop();
        },
      };
    },
  };
}
