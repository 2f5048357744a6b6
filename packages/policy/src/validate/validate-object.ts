import type { TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { DepartmentSchema, type Department } from '../schema/department.js';
import { NamespacePolicySchema, type NamespacePolicy } from '../schema/namespace-policy.js';
import { departmentProblems } from './department-checks.js';
import {
  objectContext,
  schemaGuard,
  withContext,
  type FieldProblem,
  type SchemaGuard,
} from './field-problem.js';
import { namespacePolicyProblems } from './namespace-policy-checks.js';
import type { Validated } from './problem.js';
import { schemaProblems } from './schema-problems.js';

// Compiled once, on first import.
const departmentCheck = TypeCompiler.Compile(DepartmentSchema);
const namespacePolicyCheck = TypeCompiler.Compile(NamespacePolicySchema);

/**
 * The object without its `status`: Corral writes a policy object's status itself (through the status
 * subresource, which no webhook sees), so whatever it holds never decides whether the object is
 * valid. Otherwise a status the API server stored but Corral's stricter checks refuse (a sum of
 * quantities past their limits, a condition from another writer) would drop the object, and its
 * enforcement, at the next start.
 */
function withoutStatus(obj: unknown): unknown {
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj) || !('status' in obj)) return obj;
  const { status: _status, ...rest } = obj as Record<string, unknown>;
  return rest;
}

/**
 * Validates a Department's metadata and spec: every schema problem (unknown fields included) and
 * every semantic one, all at once. Its status is not validated (see withoutStatus). On success the
 * value is the object itself, as written (no defaults filled in, status kept).
 */
export function validateDepartment(obj: unknown, source?: string): Validated<Department> {
  return validateIgnoringStatus(obj, 'Department', departmentCheck, departmentProblems, source);
}

/** Validates a NamespacePolicy, as validateDepartment does a Department (status kept, not validated). */
export function validateNamespacePolicy(obj: unknown, source?: string): Validated<NamespacePolicy> {
  return validateIgnoringStatus(
    obj,
    'NamespacePolicy',
    namespacePolicyCheck,
    namespacePolicyProblems,
    source,
  );
}

/**
 * Validates the object without its status (withoutStatus): every schema problem, then the semantic
 * ones where the schema found the fields sound. On success the value is the object itself.
 */
function validateIgnoringStatus<T extends Department | NamespacePolicy>(
  obj: unknown,
  kind: T['kind'],
  check: TypeCheck<TSchema>,
  semantic: (checked: T, guard: SchemaGuard) => FieldProblem[],
  source: string | undefined,
): Validated<T> {
  const checked = withoutStatus(obj);
  const fromSchema = schemaProblems(check, checked);
  const problems = [...fromSchema, ...semantic(checked as T, schemaGuard(fromSchema))];
  if (problems.length === 0) return { ok: true, value: obj as T };
  return { ok: false, problems: withContext(objectContext(obj, kind, source), problems) };
}
