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
 * Validates a Department: every schema problem (unknown fields included) and every semantic one,
 * all at once. On success the value is the object itself, as written (no defaults filled in).
 */
export function validateDepartment(obj: unknown, source?: string): Validated<Department> {
  return validate(
    obj,
    objectContext(obj, 'Department', source),
    schemaProblems(departmentCheck, obj),
    (guard) => departmentProblems(obj as Department, guard),
  );
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
