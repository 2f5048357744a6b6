import type { PolicyProblem } from '@corral/policy';
import type { WatchedKind } from '../sink.js';
import { asRecord, recordAt, stringAt } from './raw.js';

/** Which object a raw item is: kind, name and (for namespaced kinds) namespace. */
export interface ObjectRef {
  readonly kind: WatchedKind;
  readonly name: string;
  readonly namespace?: string;
}

/** A problem found in one field, before it is tied to an object and an origin. */
export interface FieldError {
  readonly field: string;
  readonly message: string;
}

export const NAMESPACED_KINDS: ReadonlySet<WatchedKind> = new Set([
  'Pod',
  'PersistentVolumeClaim',
  'NamespacePolicy',
]);

/** `namespace/name` for namespaced objects, `name` otherwise: the key of every table. */
export function objectKey(namespace: string | undefined, name: string): string {
  return namespace === undefined ? name : `${namespace}/${name}`;
}

export function refKey(ref: ObjectRef): string {
  return objectKey(ref.namespace, ref.name);
}

/** Reads metadata.name (and namespace for namespaced kinds); undefined when the object has none. */
export function readRef(kind: WatchedKind, item: unknown): ObjectRef | undefined {
  const metadata = recordAt(asRecord(item), 'metadata');
  const name = stringAt(metadata, 'name');
  if (name === undefined) return undefined;
  if (!NAMESPACED_KINDS.has(kind)) return { kind, name };
  const namespace = stringAt(metadata, 'namespace');
  return namespace === undefined ? undefined : { kind, name, namespace };
}

/** Why readRef found no identity, as a problem naming the kind and origin. */
export function unnamedProblem(kind: WatchedKind, origin: string): PolicyProblem {
  const what = NAMESPACED_KINDS.has(kind) ? 'metadata.name and metadata.namespace are' : 'metadata.name is';
  return { source: origin, kind, name: '(unnamed)', field: '/metadata', message: `${what} required` };
}

export function toProblems(ref: ObjectRef, origin: string, errors: readonly FieldError[]): PolicyProblem[] {
  return errors.map((error) => ({
    source: origin,
    kind: ref.kind,
    name: ref.name,
    ...(ref.namespace === undefined ? {} : { namespace: ref.namespace }),
    field: error.field,
    message: error.message,
  }));
}
