import { ValueErrorType, type ValueError } from '@sinclair/typebox/errors';
import { DNS_LABEL_PATTERN, DNS_SUBDOMAIN_PATTERN, RegistryPrefixSchema } from '../schema/common.js';
import { POOL_NAME_PATTERN } from '../schema/department.js';
import { tryParseQuantity } from '../quantity/quantity.js';
import { pointerLeaf } from './json-pointer.js';

/** Readable words for schema patterns that would otherwise be shown as a regular expression. */
const PATTERN_WORDS: Readonly<Record<string, string>> = {
  [RegistryPrefixSchema.pattern ?? '']:
    'must be a registry host with an optional project path, in lower case, like harbor.example.com/finance/',
  '^[A-Za-z0-9_.-]+$': "may contain only letters, digits, '_', '.' and '-'",
  [DNS_SUBDOMAIN_PATTERN]:
    "must be a lower-case DNS subdomain as Kubernetes names require: letters a-z, digits, '-' and '.', " +
    'a letter or digit at both ends and around each dot',
  [POOL_NAME_PATTERN]:
    'must be a Ceph pool name without control characters (librados reads it up to a NUL byte, so ' +
    'the volumes would go to another pool than the one named)',
  [DNS_LABEL_PATTERN]:
    "must be a namespace name: lower-case letters a-z, digits and '-', a letter or digit at both ends",
};

/** Turns one TypeBox error into a sentence an admin can act on. */
export function schemaErrorMessage(error: ValueError): string {
  const schema = error.schema as Record<string, unknown>;
  const got = describeValue(error.value);
  switch (error.type) {
    case ValueErrorType.ObjectAdditionalProperties:
      return `unknown field '${pointerLeaf(error.path)}'`;
    case ValueErrorType.ObjectRequiredProperty:
      return `required field '${pointerLeaf(error.path)}' is missing`;
    case ValueErrorType.Object:
      return `must be an object, got ${got}`;
    case ValueErrorType.Array:
      return `must be a list, got ${got}`;
    case ValueErrorType.String:
      return `must be a string, got ${got}`;
    case ValueErrorType.Integer:
      return `must be a whole number, got ${got}`;
    case ValueErrorType.Boolean:
      return `must be true or false, got ${got}`;
    case ValueErrorType.Literal:
      return `must be ${JSON.stringify(schema.const)}, got ${got}`;
    case ValueErrorType.StringPattern:
      return `${PATTERN_WORDS[String(schema.pattern)] ?? `must match ${String(schema.pattern)}`}, got ${got}`;
    case ValueErrorType.Union:
      return unionMessage(schema, error.value);
    default:
      return boundsMessage(error, schema) ?? `${error.message}, got ${got}`;
  }
}

function boundsMessage(error: ValueError, schema: Record<string, unknown>): string | undefined {
  const got = describeValue(error.value);
  switch (error.type) {
    case ValueErrorType.StringMinLength:
      return schema.minLength === 1
        ? 'must not be empty'
        : `must be at least ${String(schema.minLength)} characters long`;
    case ValueErrorType.StringMaxLength:
      return `must be at most ${String(schema.maxLength)} characters long, got ${String(error.value).length}`;
    case ValueErrorType.IntegerMinimum:
    case ValueErrorType.NumberMinimum:
      return `must be at least ${String(schema.minimum)}, got ${got}`;
    case ValueErrorType.IntegerMaximum:
    case ValueErrorType.NumberMaximum:
      return `must be at most ${String(schema.maximum)}, got ${got}`;
    case ValueErrorType.ArrayMinItems:
      return `must have at least ${String(schema.minItems)} entries`;
    case ValueErrorType.ArrayMaxItems:
      return `must have at most ${String(schema.maxItems)} entries`;
    default:
      return undefined;
  }
}

function unionMessage(schema: Record<string, unknown>, value: unknown): string {
  const variants = Array.isArray(schema.anyOf) ? (schema.anyOf as Record<string, unknown>[]) : [];
  if (schema['x-kubernetes-int-or-string'] === true) return quantityMessage(value);
  if (variants.length > 0 && variants.every((variant) => 'const' in variant)) {
    return `must be one of ${variants.map((variant) => String(variant.const)).join(', ')}, got ${describeValue(value)}`;
  }
  const types = variants.map((variant) => String(variant.type ?? 'value'));
  return `must be ${types.join(' or ')}, got ${describeValue(value)}`;
}

function quantityMessage(value: unknown): string {
  if (typeof value === 'string') {
    const parsed = tryParseQuantity(value);
    return parsed.ok ? unconventionalQuantityMessage(value) : parsed.error.message;
  }
  if (typeof value === 'number' && Number.isInteger(value)) return `must not be negative, got ${value}`;
  if (typeof value === 'number') {
    return `must be a whole number or a string, got the number ${value}; quote it: "${value}"`;
  }
  return `must be a quantity such as 100m or 1.5Gi, got ${describeValue(value)}`;
}

/**
 * A string Kubernetes' quantity parser reads but the CRD's quantity pattern refuses: white space
 * around it, or no digits at all (apimachinery reads `Gi` or `.` as zero).
 */
function unconventionalQuantityMessage(value: string): string {
  const quoted = `invalid quantity ${describeValue(value)}`;
  if (/\d/.test(value)) return `${quoted}: remove the white space around it`;
  return `${quoted}: no digits; write 0 if zero is meant`;
}

/** `'abc'`, `42`, `null`, `a list`, `an object`: what the value was, briefly. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string')
    return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return String(value);
}
