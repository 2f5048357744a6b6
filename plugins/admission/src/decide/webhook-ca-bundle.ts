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
  (config.webhooks ?? []).forEach((hook, index) => {
    const target = hook.clientConfig.service;
    if (target?.name !== service.name || target.namespace !== service.namespace) return;
    if (hook.clientConfig.caBundle === caBundle) return;
    operations.push({ op: 'add', path: `/webhooks/${index}/clientConfig/caBundle`, value: caBundle });
    webhooks.push(hook.name);
  });
  if (operations.length === 0) return undefined;
  const version = config.metadata?.resourceVersion;
  const guard: JsonPatchOperation[] = version
    ? [{ op: 'replace', path: '/metadata/resourceVersion', value: version }]
    : [];
  return { operations: [...guard, ...operations], webhooks };
}
