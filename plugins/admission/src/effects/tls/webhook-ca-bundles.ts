import type { AdmissionregistrationV1Api, KubeConfig } from '@kubernetes/client-node';
import { abortableCall } from '@corral/runtime';
import {
  caBundlePatch,
  serviceWebhooks,
  type ObservedCaBundle,
  type ServiceRef,
  type WebhookConfigurationView,
} from '../../decide/webhook-ca-bundle.js';
import { API_CALL_TIMEOUT_MS, timedCall, type CallOptions } from './timed-api-call.js';

/** The calls made on webhook configurations (RBAC: get, patch; plus watch elsewhere). */
export type WebhookApi = Pick<
  AdmissionregistrationV1Api,
  | 'readMutatingWebhookConfiguration'
  | 'readValidatingWebhookConfiguration'
  | 'patchMutatingWebhookConfiguration'
  | 'patchValidatingWebhookConfiguration'
>;

export type WebhookKind = 'MutatingWebhookConfiguration' | 'ValidatingWebhookConfiguration';

export interface WebhookTarget {
  readonly kind: WebhookKind;
  readonly name: string;
}

export interface CaBundleSync {
  /** Configurations patched, with the webhooks whose caBundle changed. */
  readonly patched: readonly { readonly target: WebhookTarget; readonly webhooks: readonly string[] }[];
  /** Configurations that do not exist (yet): nothing to patch. */
  readonly missing: readonly WebhookTarget[];
  /**
   * A patch would have dropped a certificate from a caBundle or added one, and the Secret read again
   * just before it no longer holds the bundle given: nothing more was patched; settle the Secret again.
   */
  readonly stale: boolean;
}

/**
 * Reads the Secret again and tells whether its bundle is still the one being set: asked before any
 * patch that drops a certificate from a caBundle or adds one to it.
 */
export type StillCurrent = () => Promise<boolean>;

/** How often one configuration is re-read when it changed between our read and our patch (409). */
const CONFLICT_RETRIES = 3;

const statusOf = (err: unknown): number | undefined => {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
};

/** Webhook configurations as the bootstrap sees them: read one, patch one with a JSON Patch. */
export class WebhookCaBundles {
  constructor(
    private readonly api: WebhookApi,
    readonly service: ServiceRef,
    readonly targets: readonly WebhookTarget[],
    /** Aborts a call's HTTP request; each call is given up after `timeoutMs` (timedCall). */
    private readonly callOptions?: CallOptions,
    private readonly timeoutMs: number = API_CALL_TIMEOUT_MS,
  ) {}

  static async fromKubeConfig(
    kubeConfig: KubeConfig,
    service: ServiceRef,
    targets: readonly WebhookTarget[],
  ) {
    const { AdmissionregistrationV1Api, Observable } = await import('@kubernetes/client-node');
    const api = kubeConfig.makeApiClient(AdmissionregistrationV1Api);
    return new WebhookCaBundles(api, service, targets, (signal) => abortableCall(signal, Observable));
  }

  /**
   * Sets the caBundle (base64 of the PEM bundle) of every webhook in the targets that calls our
   * Service, where it differs. A configuration that changed since it was read (409) is read again; one
   * that does not exist is reported as missing. A patch that would drop or add a certificate is sent
   * only if `stillCurrent`, asked after the configuration was read, confirms the bundle (the patch
   * carries that read's resourceVersion, so a newer bundle set in between makes it fail with 409);
   * otherwise the sync stops and reports `stale`. So a caBundle only ever takes the bundle the Secret
   * held after the caBundle was read: a replica with an older view of the Secret neither drops a
   * newer CA nor puts back a retired one. Other failures throw (the caller retries later), and so does
   * a call left unanswered for `timeoutMs`.
   */
  async sync(caBundle: string, stillCurrent: StillCurrent): Promise<CaBundleSync> {
    const patched: { target: WebhookTarget; webhooks: readonly string[] }[] = [];
    const missing: WebhookTarget[] = [];
    for (const target of this.targets) {
      const outcome = await this.syncOne(target, caBundle, stillCurrent);
      if (outcome === 'stale') return { patched, missing, stale: true };
      if (outcome === 'missing') missing.push(target);
      else if (outcome.length > 0) patched.push({ target, webhooks: outcome });
    }
    return { patched, missing, stale: false };
  }

  /** The caBundle (PEM text) of every webhook calling our Service, over the targets that exist. */
  async observe(): Promise<ObservedCaBundle[]> {
    const observed: ObservedCaBundle[] = [];
    for (const target of this.targets) {
      const config = await this.read(target);
      if (config === undefined) continue;
      for (const hook of serviceWebhooks(config, this.service)) {
        observed.push({
          kind: target.kind,
          configuration: target.name,
          webhook: hook.name,
          caBundle:
            hook.caBundle === undefined ? undefined : Buffer.from(hook.caBundle, 'base64').toString('utf8'),
        });
      }
    }
    return observed;
  }

  private async syncOne(
    target: WebhookTarget,
    caBundle: string,
    stillCurrent: StillCurrent,
  ): Promise<readonly string[] | 'missing' | 'stale'> {
    for (let attempt = 0; ; attempt += 1) {
      const config = await this.read(target);
      if (config === undefined) return 'missing';
      const patch = caBundlePatch(config, this.service, caBundle);
      if (patch === undefined) return [];
      if ((patch.removes || patch.adds) && !(await stillCurrent())) return 'stale';
      try {
        await this.patch(target, patch.operations as object[]);
        return patch.webhooks;
      } catch (err) {
        if (statusOf(err) === 404) return 'missing';
        if (statusOf(err) !== 409 || attempt >= CONFLICT_RETRIES) throw err;
      }
    }
  }

  private async read(target: WebhookTarget): Promise<WebhookConfigurationView | undefined> {
    try {
      return await timedCall(
        `reading ${target.kind} ${target.name}`,
        this.timeoutMs,
        this.callOptions,
        (o) =>
          target.kind === 'MutatingWebhookConfiguration'
            ? this.api.readMutatingWebhookConfiguration({ name: target.name }, o)
            : this.api.readValidatingWebhookConfiguration({ name: target.name }, o),
      );
    } catch (err) {
      if (statusOf(err) === 404) return undefined;
      throw err;
    }
  }

  private async patch(target: WebhookTarget, body: object[]): Promise<void> {
    await timedCall(`patching ${target.kind} ${target.name}`, this.timeoutMs, this.callOptions, (o) =>
      target.kind === 'MutatingWebhookConfiguration'
        ? this.api.patchMutatingWebhookConfiguration({ name: target.name, body }, o)
        : this.api.patchValidatingWebhookConfiguration({ name: target.name, body }, o),
    );
  }
}
