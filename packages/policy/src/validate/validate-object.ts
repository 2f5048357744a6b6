import { TypeCompiler } from '@sinclair/typebox/compiler';
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
 * The object without its `status`: Corral writes a Department's status itself (through the status
 * subresource, which no webhook sees), so whatever it holds never decides whether the Department is
 * valid. Otherwise a status the API server stored but Corral's stricter checks refuse (a sum of
 * quantities past their limits) would drop the Department, and its enforcement, at the next start.
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
  const checked = withoutStatus(obj);
  const result = validate<Department>(
    checked,
    objectContext(obj, 'Department', source),
    schemaProblems(departmentCheck, checked),
    (guard) => departmentProblems(checked as Department, guard),
  );
  return result.ok ? { ok: true, value: obj as Department } : result;
}

/** Validates a NamespacePolicy, as validateDepartment does a Department. */
export function validateNamespacePolicy(obj: unknown, source?: string): Validated<NamespacePolicy> {
  return validate(
    obj,
    objectContext(obj, 'NamespacePolicy', source),
    schemaProblems(namespacePolicyCheck, obj),
    (guard) => namespacePolicyProblems(obj as NamespacePolicy, guard),
  );
}

function validate<T>(
  obj: unknown,
  context: ReturnType<typeof objectContext>,
  fromSchema: FieldProblem[],
  semantic: (guard: SchemaGuard) => FieldProblem[],
): Validated<T> {
  const problems = [...fromSchema, ...semantic(schemaGuard(fromSchema))];
  if (problems.length === 0) return { ok: true, value: obj as T };
  return { ok: false, problems: withContext(context, problems) };
}
