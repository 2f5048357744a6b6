/**
 * Which webhooks of a Mutating/ValidatingWebhookConfiguration need their caBundle set, as a JSON Patch
 * (docs/adr/0015). Only webhooks that call our Service are touched: a configuration may hold others.
 */

/** The parts of a webhook configuration read here (client-node's V1*WebhookConfiguration fits). */
export interface WebhookConfigurationView {
  readonly metadata?: { readonly name?: string; readonly resourceVersion?: string };
  readonly webhooks?: readonly {
    readonly name: string;
    readonly clientConfig: {
      readonly caBundle?: string;
      readonly url?: string;
      readonly service?: { readonly name: string; readonly namespace: string };
    };
  }[];
}

export interface ServiceRef {
  readonly name: string;
  readonly namespace: string;
}

export type JsonPatchOperation =
  | { readonly op: 'add' | 'replace' | 'test'; readonly path: string; readonly value: unknown }
  | { readonly op: 'remove'; readonly path: string };

export interface CaBundlePatch {
  /** Replaces resourceVersion first: the API server answers 409 if the object changed since it was read. */
  readonly operations: readonly JsonPatchOperation[];
  /** The webhooks whose caBundle changes. */
  readonly webhooks: readonly string[];
  /**
   * Whether some caBundle loses a certificate it holds now: such a patch may be sent only on the
   * strength of the newest Secret (a replica that read it earlier would drop a newer CA).
   */
  readonly removes: boolean;
  /**
   * Whether some caBundle gains a certificate it lacks now: such a patch too may be sent only on the
   * strength of the newest Secret (a replica that read it earlier would put back a retired CA).
   */
  readonly adds: boolean;
}

/** The certificates of a base64 PEM bundle, each as its base64 body without whitespace. */
function bundleEntries(caBundle: string | undefined): string[] {
  const pem = Buffer.from(caBundle ?? '', 'base64').toString('utf8');
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((block) => block.replace(/-----[A-Z ]+-----|\s/g, ''));
}

/** Whether setting `next` in place of `current` (both base64 PEM) drops a certificate. */
export function dropsCertificate(current: string | undefined, next: string): boolean {
  const kept = new Set(bundleEntries(next));
  return bundleEntries(current).some((entry) => !kept.has(entry));
}

/** Whether setting `next` in place of `current` (both base64 PEM) adds a certificate. */
export function addsCertificate(current: string | undefined, next: string): boolean {
  return dropsCertificate(next, current ?? '');
}

/** The webhooks of a configuration that call our Service: name, index and caBundle (base64). */
export function serviceWebhooks(config: WebhookConfigurationView, service: ServiceRef) {
  return (config.webhooks ?? []).flatMap((hook, index) => {
    const target = hook.clientConfig.service;
    if (target?.name !== service.name || target.namespace !== service.namespace) return [];
    return [{ name: hook.name, index, caBundle: hook.clientConfig.caBundle }];
  });
}

/**
 * Given a webhook configuration, our Service and the base64 CA bundle, returns the patch that sets
 * the caBundle of every webhook calling that Service to the bundle, or undefined when all already
 * carry it (including when none calls the Service).
 */
export function caBundlePatch(
  config: WebhookConfigurationView,
  service: ServiceRef,
  caBundle: string,
): CaBundlePatch | undefined {
  const operations: JsonPatchOperation[] = [];
  const webhooks: string[] = [];
  let removes = false;
  let adds = false;
  for (const hook of serviceWebhooks(config, service)) {
    if (hook.caBundle === caBundle) continue;
    operations.push({ op: 'add', path: `/webhooks/${hook.index}/clientConfig/caBundle`, value: caBundle });
    webhooks.push(hook.name);
    removes ||= dropsCertificate(hook.caBundle, caBundle);
    adds ||= addsCertificate(hook.caBundle, caBundle);
  }
  if (operations.length === 0) return undefined;
  const version = config.metadata?.resourceVersion;
  const guard: JsonPatchOperation[] = version
    ? [{ op: 'replace', path: '/metadata/resourceVersion', value: version }]
    : [];
  return { operations: [...guard, ...operations], webhooks, removes, adds };
}

/** One webhook calling our Service, as read: its configuration and its caBundle (PEM text). */
export interface ObservedCaBundle {
  readonly kind: string;
  readonly configuration: string;
  readonly webhook: string;
  readonly caBundle: string | undefined;
}

/**
 * Given the webhooks whose caBundle does not trust the served certificate (serial number given),
 * returns the `tls-ca-bundle` readiness condition: ready when there is none, else why not.
 */
export function caBundleReadiness(
  serialNumber: string,
  untrusting: readonly ObservedCaBundle[],
): { readonly ok: boolean; readonly reason?: string } {
  if (untrusting.length === 0) return { ok: true };
  const where = untrusting.map((u) => `${u.webhook} (${u.kind} ${u.configuration})`).join(', ');
  return {
    ok: false,
    reason:
      `the served certificate ${serialNumber} is not signed by a CA in the caBundle of ${where}; ` +
      'kube-apiserver would refuse its calls until the caBundle is set again',
  };
}
