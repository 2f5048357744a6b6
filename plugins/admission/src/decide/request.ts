/**
 * The parts of an AdmissionReview v1 request the rules read (admission.k8s.io/v1 AdmissionRequest).
 * The envelope (transport/envelope.ts) checks the shape before any rule sees it.
 */
export interface GroupVersionKind {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

export type Operation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';

export interface AdmissionRequest {
  readonly uid: string;
  readonly kind: GroupVersionKind;
  readonly resource?: { readonly group: string; readonly version: string; readonly resource: string };
  readonly subResource?: string;
  readonly name?: string;
  readonly namespace?: string;
  readonly operation: Operation;
  readonly userInfo?: { readonly username?: string; readonly groups?: readonly string[] };
  /** null on DELETE. */
  readonly object?: unknown;
  /** Set on UPDATE and DELETE. */
  readonly oldObject?: unknown;
  readonly dryRun?: boolean;
}

/** The namespace the request acts in: request.namespace, else the object's metadata.namespace. */
export function namespaceOf(request: AdmissionRequest): string | undefined {
  if (request.namespace) return request.namespace;
  const object = request.object ?? request.oldObject;
  const metadata =
    typeof object === 'object' && object !== null ? (object as { metadata?: unknown }).metadata : undefined;
  const namespace =
    typeof metadata === 'object' && metadata !== null
      ? (metadata as { namespace?: unknown }).namespace
      : undefined;
  return typeof namespace === 'string' && namespace !== '' ? namespace : undefined;
}

/** The object's name: request.name, else metadata.name (absent for generateName on mutation). */
/** The object's metadata.uid: kube-apiserver sets it before the validating webhooks of a CREATE run. */
export function objectUidOf(request: AdmissionRequest): string | undefined {
  const metadata = (request.object as { metadata?: { uid?: unknown } } | null | undefined)?.metadata;
  return typeof metadata?.uid === 'string' && metadata.uid !== '' ? metadata.uid : undefined;
}

export function nameOf(request: AdmissionRequest): string | undefined {
  if (request.name) return request.name;
  const metadata = (request.object as { metadata?: { name?: unknown } } | null | undefined)?.metadata;
  return typeof metadata?.name === 'string' && metadata.name !== '' ? metadata.name : undefined;
}
