import type { TSchema } from '@sinclair/typebox';
import type { TypeCheck } from '@sinclair/typebox/compiler';
import { ValueErrorType } from '@sinclair/typebox/errors';
import type { FieldProblem } from './field-problem.js';
import { schemaErrorMessage } from './schema-messages.js';

/**
 * Every schema problem of a value (not only the first), as readable field problems. A missing
 * required field is reported once ("required field 'x' is missing"), not again as the wrong type.
 */
export function schemaProblems<T extends TSchema>(check: TypeCheck<T>, value: unknown): FieldProblem[] {
  if (check.Check(value)) return [];
  const errors = [...check.Errors(value)];
  const missing = new Set(
    errors.filter((error) => error.type === ValueErrorType.ObjectRequiredProperty).map((error) => error.path),
  );
  return errors
    .filter((error) => error.type === ValueErrorType.ObjectRequiredProperty || !missing.has(error.path))
    .map((error) => ({ field: error.path, message: schemaErrorMessage(error) }));
}
