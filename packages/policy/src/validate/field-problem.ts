import { isPointerWithin } from './json-pointer.js';
import type { PolicyProblem } from './problem.js';

/** A problem inside one object, before the object's kind, name and source are attached. */
export interface FieldProblem {
  readonly field: string;
  readonly message: string;
}

export interface ObjectContext {
  readonly source?: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
}

/**
 * Tells semantic checks which parts of an object the schema accepted. `isSound(p)` holds when no
 * schema problem sits at `p` or above it, so the value at `p` (if present) has the schema's type
 * and a check may read it as typed.
 */
export interface SchemaGuard {
  isSound(pointer: string): boolean;
}

export function schemaGuard(schemaProblems: readonly FieldProblem[]): SchemaGuard {
  const fields = schemaProblems.map((problem) => problem.field);
  return { isSound: (pointer) => !fields.some((field) => isPointerWithin(pointer, field)) };
}

export function withContext(context: ObjectContext, problems: readonly FieldProblem[]): PolicyProblem[] {
  return problems.map(({ field, message }) => ({
    ...(context.source === undefined ? {} : { source: context.source }),
    kind: context.kind,
    name: context.name,
    ...(context.namespace === undefined ? {} : { namespace: context.namespace }),
    field,
    message,
  }));
}

/** Kind, name and namespace of a raw object, read defensively: the object may be malformed. */
export function objectContext(obj: unknown, expectedKind: string, source?: string): ObjectContext {
  const metadata = isRecord(obj) && isRecord(obj.metadata) ? obj.metadata : {};
  const name = typeof metadata.name === 'string' && metadata.name !== '' ? metadata.name : '<unnamed>';
  const namespace =
    typeof metadata.namespace === 'string' && metadata.namespace !== '' ? metadata.namespace : undefined;
  return {
    ...(source === undefined ? {} : { source }),
    kind: expectedKind,
    name,
    ...(namespace === undefined ? {} : { namespace }),
  };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
