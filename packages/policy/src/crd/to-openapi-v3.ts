import type { TSchema } from '@sinclair/typebox';
import type { OpenApiV3Schema } from './openapi-schema.js';

/**
 * Converts a TypeBox JSON Schema into a Kubernetes *structural* openAPIV3Schema:
 * - `additionalProperties: false` is dropped (structural schemas forbid it beside `properties`;
 *   the apiserver prunes unknown fields instead), `true` becomes x-kubernetes-preserve-unknown-fields;
 * - a TypeBox Record (`patternProperties`) becomes `additionalProperties: <value schema>`;
 * - a union of literals becomes `type` + `enum`, a literal becomes a one-value enum, `X | null`
 *   becomes X with `nullable: true`;
 * - a union marked x-kubernetes-int-or-string (quantities) becomes Kubernetes' int-or-string form,
 *   `anyOf: [{type: integer}, {type: string}]` with the string's pattern beside it;
 * - descriptions, defaults and value bounds are kept; `$id`, TypeBox's symbols and anything else
 *   Kubernetes does not know are left out. Anything it cannot express throws, naming the path.
 */
export function toOpenApiV3(schema: TSchema): OpenApiV3Schema {
  return convert(schema as SchemaNode, '');
}

type SchemaNode = Record<string, unknown>;

const KEPT_KEYWORDS = [
  'description',
  'default',
  'format',
  'pattern',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minItems',
  'maxItems',
  'minProperties',
  'maxProperties',
  'nullable',
] as const;

const SCALAR_TYPES = new Set(['string', 'integer', 'number', 'boolean']);

function convert(node: SchemaNode, path: string): OpenApiV3Schema {
  if (node['x-kubernetes-int-or-string'] === true) return intOrString(node, path);
  if (Array.isArray(node.anyOf)) return union(node, node.anyOf as SchemaNode[], path);
  if (node.const !== undefined)
    return { type: literalType([node.const], path), ...kept(node), enum: [node.const] };
  switch (node.type) {
    case 'object':
      return objectSchema(node, path);
    case 'array':
      return { type: 'array', ...kept(node), items: convert(node.items as SchemaNode, `${path}[]`) };
    default:
      if (typeof node.type === 'string' && SCALAR_TYPES.has(node.type)) {
        return { type: node.type as OpenApiV3Schema['type'], ...kept(node) };
      }
      throw new Error(`toOpenApiV3: unsupported schema at ${path || '/'}: ${JSON.stringify(node)}`);
  }
}

function objectSchema(node: SchemaNode, path: string): OpenApiV3Schema {
  const result: OpenApiV3Schema = { type: 'object', ...kept(node) };
  const patterns = node.patternProperties as Record<string, SchemaNode> | undefined;
  if (patterns !== undefined) {
    const values = Object.values(patterns);
    const [value] = values;
    if (values.length !== 1 || value === undefined || node.properties !== undefined) {
      throw new Error(`toOpenApiV3: ${path || '/'} must be a Record with one value schema`);
    }
    result.additionalProperties = convert(value, `${path}/*`);
    return result;
  }
  const properties = (node.properties ?? {}) as Record<string, SchemaNode>;
  if (Object.keys(properties).length > 0) {
    result.properties = Object.fromEntries(
      Object.entries(properties).map(([key, value]) => [key, convert(value, `${path}/${key}`)]),
    );
  }
  const required = Array.isArray(node.required) ? (node.required as string[]) : [];
  if (required.length > 0) result.required = [...required];
  if (node.additionalProperties === true) result['x-kubernetes-preserve-unknown-fields'] = true;
  return result;
}

function intOrString(node: SchemaNode, path: string): OpenApiV3Schema {
  const variants = Array.isArray(node.anyOf) ? (node.anyOf as SchemaNode[]) : [];
  const stringVariant = variants.find((variant) => variant.type === 'string');
  if (!variants.some((variant) => variant.type === 'integer') || stringVariant === undefined) {
    throw new Error(
      `toOpenApiV3: ${path || '/'} is marked int-or-string but is not a union of integer and string`,
    );
  }
  return {
    ...kept(node),
    anyOf: [{ type: 'integer' }, { type: 'string' }],
    ...(typeof stringVariant.pattern === 'string' ? { pattern: stringVariant.pattern } : {}),
    'x-kubernetes-int-or-string': true,
  };
}

function union(node: SchemaNode, variants: SchemaNode[], path: string): OpenApiV3Schema {
  const nonNull = variants.filter((variant) => variant.type !== 'null');
  const [only] = nonNull;
  if (nonNull.length === 1 && variants.length === 2 && only !== undefined) {
    return { ...convert({ ...only, ...kept(node) }, path), nullable: true };
  }
  return literalUnion(node, variants, path);
}

function literalUnion(node: SchemaNode, variants: SchemaNode[], path: string): OpenApiV3Schema {
  if (variants.length === 0 || !variants.every((variant) => variant.const !== undefined)) {
    throw new Error(
      `toOpenApiV3: ${path || '/'} is a union Kubernetes cannot express (only literals or int-or-string)`,
    );
  }
  const values = variants.map((variant) => variant.const);
  return { type: literalType(values, path), ...kept(node), enum: values };
}

function literalType(values: unknown[], path: string): OpenApiV3Schema['type'] {
  const types = new Set(values.map((value) => (Number.isInteger(value) ? 'integer' : typeof value)));
  const [type] = [...types];
  if (types.size !== 1 || type === undefined || !SCALAR_TYPES.has(type)) {
    throw new Error(`toOpenApiV3: literals at ${path || '/'} must share one scalar type`);
  }
  return type as OpenApiV3Schema['type'];
}

function kept(node: SchemaNode): Partial<OpenApiV3Schema> {
  const result: Record<string, unknown> = {};
  for (const keyword of KEPT_KEYWORDS) {
    if (node[keyword] !== undefined) result[keyword] = structuredClone(node[keyword]);
  }
  return result as Partial<OpenApiV3Schema>;
}
