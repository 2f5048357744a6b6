import { ClusterSourceError } from './errors.js';
import type { ResourceDescriptor } from './resources.js';

/** A Kubernetes object as plain JSON. */
export type KubeJson = Record<string, unknown>;

export interface DecodedList {
  readonly resourceVersion: string;
  readonly items: KubeJson[];
  /** metadata.continue: more pages follow (LIST with limit); ask for them with this token. */
  readonly continue?: string;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The object's `metadata.resourceVersion`, or undefined. */
export function resourceVersionOf(object: unknown): string | undefined {
  if (!isRecord(object) || !isRecord(object.metadata)) return undefined;
  const rv = object.metadata.resourceVersion;
  return typeof rv === 'string' && rv !== '' ? rv : undefined;
}

/**
 * kube-apiserver leaves `apiVersion` and `kind` out of the items of a built-in list (CRD lists keep
 * them); watch events always carry them. Given a list item, returns it with both set, so the sink
 * sees the same shape from either path. The item is copied only when something is missing.
 */
export function withTypeMeta(item: KubeJson, resource: ResourceDescriptor): KubeJson {
  if (typeof item.apiVersion === 'string' && typeof item.kind === 'string') return item;
  return { apiVersion: resource.apiVersion, kind: resource.kind, ...item };
}

/** Given a LIST response body, returns its resourceVersion and typed items; throws if it is no list. */
export function decodeList(body: unknown, resource: ResourceDescriptor): DecodedList {
  if (!isRecord(body) || !Array.isArray(body.items) || !body.items.every(isRecord)) {
    throw new ClusterSourceError('CLUSTER_ERR_LIST_DECODE', `LIST ${resource.path} did not return a list`);
  }
  const metadata = isRecord(body.metadata) ? body.metadata : {};
  const resourceVersion = typeof metadata.resourceVersion === 'string' ? metadata.resourceVersion : '';
  const items = body.items.map((item) => withTypeMeta(item, resource));
  const token = metadata.continue;
  return typeof token === 'string' && token !== ''
    ? { resourceVersion, items, continue: token }
    : { resourceVersion, items };
}

/** Given the text of an API error response, returns the Status message if it is one. */
export function statusMessage(text: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    if (isRecord(parsed) && parsed.kind === 'Status' && typeof parsed.message === 'string') {
      return parsed.message;
    }
  } catch {
    // not JSON: the caller falls back to the HTTP status
  }
  return undefined;
}
