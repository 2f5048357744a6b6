import type { CoreV1Api, KubeConfig, V1Secret } from '@kubernetes/client-node';
import { abortableCall } from '@corral/runtime';
import { API_CALL_TIMEOUT_MS, timedCall, type CallOptions } from './timed-api-call.js';
import {
  dataOf,
  MANAGED_BY_LABEL,
  materialOf,
  TLS_ANNOTATIONS,
  TLS_SECRET_TYPE,
  type TlsMaterial,
} from './tls-material.js';

/** The three calls made on the Secret (RBAC: get, create, update; plus watch elsewhere). */
export type SecretApi = Pick<
  CoreV1Api,
  'readNamespacedSecret' | 'createNamespacedSecret' | 'replaceNamespacedSecret'
>;

/** The Secret as read: its material and the object itself (kept for replaces). */
export interface StoredTlsSecret {
  readonly material: TlsMaterial;
  readonly secret: V1Secret;
}

/** What the bootstrap needs from the Secret; `'conflict'` = someone else wrote first (HTTP 409). */
export interface TlsSecretStore {
  /** The Secret, or undefined when there is none. */
  get(): Promise<StoredTlsSecret | undefined>;
  create(material: TlsMaterial): Promise<StoredTlsSecret | 'conflict'>;
  /** Replaces `base` (carrying its resourceVersion) with `material`. */
  replace(base: StoredTlsSecret, material: TlsMaterial): Promise<StoredTlsSecret | 'conflict'>;
}

const statusOf = (err: unknown): number | undefined => {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
};

/** `base` with the material's annotations set, and those it does not carry removed. */
const annotationsOf = (material: TlsMaterial, base: Record<string, string> = {}) => {
  const annotations = { ...base };
  for (const [field, annotation] of Object.entries(TLS_ANNOTATIONS)) {
    const value = material[field as keyof typeof TLS_ANNOTATIONS];
    if (value === undefined) delete annotations[annotation];
    else annotations[annotation] = value;
  }
  return annotations;
};

/**
 * The certificate Secret through the API with optimistic concurrency: a create of an existing Secret
 * and a replace carrying a stale resourceVersion both come back as `'conflict'`; other failures throw,
 * and so does a call left unanswered for `timeoutMs`.
 * A replace keeps the Secret's type (immutable), labels, other annotations and other data keys.
 */
export class TlsSecretClient implements TlsSecretStore {
  constructor(
    private readonly api: SecretApi,
    readonly namespace: string,
    readonly name: string,
    /** Aborts a call's HTTP request; each call is given up after `timeoutMs` (timedCall). */
    private readonly callOptions?: CallOptions,
    private readonly timeoutMs: number = API_CALL_TIMEOUT_MS,
  ) {}

  static async fromKubeConfig(kubeConfig: KubeConfig, namespace: string, name: string) {
    const { CoreV1Api, Observable } = await import('@kubernetes/client-node');
    return new TlsSecretClient(kubeConfig.makeApiClient(CoreV1Api), namespace, name, (signal) =>
      abortableCall(signal, Observable),
    );
  }

  private timed<T>(what: string, call: Parameters<typeof timedCall<T>>[3]): Promise<T> {
    return timedCall(`${what} Secret ${this.namespace}/${this.name}`, this.timeoutMs, this.callOptions, call);
  }

  async get(): Promise<StoredTlsSecret | undefined> {
    try {
      const secret = await this.timed('reading', (options) =>
        this.api.readNamespacedSecret({ name: this.name, namespace: this.namespace }, options),
      );
      return { material: materialOf(secret), secret };
    } catch (err) {
      if (statusOf(err) === 404) return undefined;
      throw err;
    }
  }

  create(material: TlsMaterial): Promise<StoredTlsSecret | 'conflict'> {
    const body: V1Secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      type: TLS_SECRET_TYPE,
      metadata: {
        name: this.name,
        namespace: this.namespace,
        labels: { ...MANAGED_BY_LABEL },
        annotations: annotationsOf(material),
      },
      data: dataOf(material),
    };
    return this.write('creating', (options) =>
      this.api.createNamespacedSecret({ namespace: this.namespace, body }, options),
    );
  }

  replace(base: StoredTlsSecret, material: TlsMaterial): Promise<StoredTlsSecret | 'conflict'> {
    const metadata = base.secret.metadata ?? {};
    const body: V1Secret = {
      ...base.secret,
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        ...metadata,
        name: this.name,
        namespace: this.namespace,
        labels: { ...metadata.labels, ...MANAGED_BY_LABEL },
        annotations: annotationsOf(material, metadata.annotations),
      },
      data: dataOf(material, base.secret.data),
    };
    return this.write('replacing', (options) =>
      this.api.replaceNamespacedSecret({ name: this.name, namespace: this.namespace, body }, options),
    );
  }

  private async write(
    what: string,
    call: Parameters<typeof timedCall<V1Secret>>[3],
  ): Promise<StoredTlsSecret | 'conflict'> {
    try {
      const secret = await this.timed(what, call);
      return { material: materialOf(secret), secret };
    } catch (err) {
      if (statusOf(err) === 409) return 'conflict';
      throw err;
    }
  }
}
