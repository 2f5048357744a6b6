import type { V1Secret } from '@kubernetes/client-node';

/**
 * The certificate Secret's layout (docs/adr/0015). Keys of `data`:
 * - `ca.crt`, `ca.key`: the CA that signs serving certificates (the newest one);
 * - `tls.crt`, `tls.key`: the serving certificate and its key (what every replica serves);
 * - `ca-bundle.crt`: every CA clients must trust, current first: the webhooks' caBundle. During a CA
 *   rotation it holds the new and the old CA, so certificates of either verify.
 * Annotation `corral.dev/ca-rotated-at` (RFC 3339): when the current CA replaced the previous one.
 * Annotation `corral.dev/retire-ca` (set by the admin): a CA to retire, by SHA-256 fingerprint or
 * `current`; taken up and removed by a replica. Annotation `corral.dev/retired-cas` (JSON object,
 * fingerprint → RFC 3339): the CAs retired so far, never trusted again once out of the bundle.
 * The type is `kubernetes.io/tls`, as cert-manager writes it, so the Secret also suits other tools.
 */
export const TLS_KEYS = {
  caCert: 'ca.crt',
  caKey: 'ca.key',
  cert: 'tls.crt',
  key: 'tls.key',
  bundle: 'ca-bundle.crt',
} as const;

export const CA_ROTATED_AT_ANNOTATION = 'corral.dev/ca-rotated-at';
export const RETIRE_CA_ANNOTATION = 'corral.dev/retire-ca';
export const RETIRED_CAS_ANNOTATION = 'corral.dev/retired-cas';

/** The annotations the material carries, by field: a write sets those defined and removes the rest. */
export const TLS_ANNOTATIONS = {
  caRotatedAt: CA_ROTATED_AT_ANNOTATION,
  retireRequest: RETIRE_CA_ANNOTATION,
  retiredCas: RETIRED_CAS_ANNOTATION,
} as const;
export const MANAGED_BY_LABEL = { 'app.kubernetes.io/managed-by': 'corral-admission' } as const;
export const TLS_SECRET_TYPE = 'kubernetes.io/tls';

/** The Secret's certificates and keys as PEM text; a key absent from the Secret is undefined. */
export interface TlsMaterial {
  readonly caCert?: string;
  readonly caKey?: string;
  readonly cert?: string;
  readonly key?: string;
  readonly bundle?: string;
  /** The annotations, as written (TLS_ANNOTATIONS). */
  readonly caRotatedAt?: string;
  readonly retireRequest?: string;
  readonly retiredCas?: string;
}

type Field = keyof typeof TLS_KEYS;
const FIELDS = Object.keys(TLS_KEYS) as Field[];

const decode = (value: string | undefined) =>
  value === undefined ? undefined : Buffer.from(value, 'base64').toString('utf8');

/** Given a Secret as read from the API (base64 `data`), returns its TLS material. */
export function materialOf(secret: V1Secret): TlsMaterial {
  const data = secret.data ?? {};
  const material: Record<string, string> = {};
  for (const field of FIELDS) {
    const text = decode(data[TLS_KEYS[field]]);
    if (text !== undefined) material[field] = text;
  }
  const annotations = secret.metadata?.annotations ?? {};
  for (const [field, annotation] of Object.entries(TLS_ANNOTATIONS)) {
    const value = annotations[annotation];
    if (value !== undefined) material[field] = value;
  }
  return material as TlsMaterial;
}

/** Given TLS material, returns the Secret `data` (base64) for it; `others` are other keys to keep. */
export function dataOf(material: TlsMaterial, others: Readonly<Record<string, string>> = {}) {
  const ours = new Set<string>(Object.values(TLS_KEYS));
  const data: Record<string, string> = Object.fromEntries(
    Object.entries(others).filter(([key]) => !ours.has(key)),
  );
  for (const field of FIELDS) {
    const text = material[field];
    if (text !== undefined) data[TLS_KEYS[field]] = Buffer.from(text, 'utf8').toString('base64');
  }
  return data;
}

/** Splits PEM text into its `CERTIFICATE` blocks. */
export function certificateBlocks(pem: string | undefined): string[] {
  return (pem ?? '').match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}
