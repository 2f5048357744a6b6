import { isDeepStrictEqual } from 'node:util';

/**
 * Why a CRD's openAPIV3Schema is not *structural* as Kubernetes defines it (apiextensions v1),
 * checked without an apiserver: every node has a type (or is int-or-string / preserves unknown
 * fields), no additionalProperties beside properties, only keywords JSONSchemaProps knows (no
 * $ref, const, patternProperties...), no logical junctors except the exact int-or-string anyOf,
 * enum values of the node's type, required fields that exist, metadata at the root only `{type: object}`.
 * Returns one message per problem, each starting with the node's path; empty when structural.
 */
export function structuralProblems(root: unknown): string[] {
  if (!isNode(root)) return ['/: the schema must be an object'];
  const problems = nodeProblems(root, '');
  if (root.type !== 'object') problems.push('/: the root must have type object');
  const properties = isNode(root.properties) ? root.properties : {};
  if (properties.metadata !== undefined && !isDeepStrictEqual(properties.metadata, { type: 'object' })) {
    problems.push('/metadata: must be exactly {type: object}; the apiserver owns ObjectMeta');
  }
  return problems;
}

type Node = Record<string, unknown>;

const KNOWN_KEYWORDS = new Set([
  'type',
  'description',
  'title',
  'default',
  'enum',
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
  'uniqueItems',
  'minProperties',
  'maxProperties',
  'nullable',
  'required',
  'properties',
  'additionalProperties',
  'items',
  'anyOf',
  'example',
]);
const JUNCTORS = ['allOf', 'anyOf', 'oneOf', 'not'];
const INT_OR_STRING_ANY_OF = [{ type: 'integer' }, { type: 'string' }];
const TYPES = new Set(['object', 'array', 'string', 'integer', 'number', 'boolean']);

function nodeProblems(node: Node, path: string): string[] {
  const at = path || '/';
  const problems = [
    ...keywordProblems(node, at),
    ...typeProblems(node, at),
    ...junctorProblems(node, at),
    ...enumProblems(node, at),
  ];
  if (node.properties !== undefined && node.additionalProperties !== undefined) {
    problems.push(`${at}: properties and additionalProperties must not be used together`);
  }
  if (node.additionalProperties !== undefined && !isNode(node.additionalProperties)) {
    problems.push(
      `${at}: additionalProperties must be a schema, not ${JSON.stringify(node.additionalProperties)}`,
    );
  }
  return [...problems, ...childProblems(node, path)];
}

function keywordProblems(node: Node, at: string): string[] {
  return Object.keys(node)
    .filter((key) => !KNOWN_KEYWORDS.has(key) && !key.startsWith('x-kubernetes-') && !JUNCTORS.includes(key))
    .map((key) => `${at}: keyword ${key} is not allowed in a structural schema`)
    .concat(node.uniqueItems === true ? [`${at}: uniqueItems: true is not allowed`] : []);
}

function typeProblems(node: Node, at: string): string[] {
  const intOrString = node['x-kubernetes-int-or-string'] === true;
  const preserves = node['x-kubernetes-preserve-unknown-fields'] === true;
  if (intOrString && node.type !== undefined) return [`${at}: an int-or-string node must not have a type`];
  if (node.type === undefined) return intOrString || preserves ? [] : [`${at}: has no type`];
  return typeof node.type === 'string' && TYPES.has(node.type)
    ? []
    : [`${at}: unknown type ${JSON.stringify(node.type)}`];
}

function junctorProblems(node: Node, at: string): string[] {
  const used = JUNCTORS.filter((junctor) => node[junctor] !== undefined);
  if (used.length === 0) return [];
  const intOrString =
    used.length === 1 &&
    node['x-kubernetes-int-or-string'] === true &&
    isDeepStrictEqual(node.anyOf, INT_OR_STRING_ANY_OF);
  return intOrString ? [] : [`${at}: ${used.join(', ')} is only allowed as the int-or-string anyOf`];
}

function enumProblems(node: Node, at: string): string[] {
  if (node.enum === undefined) return [];
  if (!Array.isArray(node.enum) || node.enum.length === 0) return [`${at}: enum must be a non-empty list`];
  const wrong = node.enum.filter((value) => !hasType(value, node.type));
  return wrong.length === 0
    ? []
    : [`${at}: enum values ${JSON.stringify(wrong)} are not of type ${String(node.type)}`];
}

function childProblems(node: Node, path: string): string[] {
  const problems: string[] = [];
  const properties = isNode(node.properties) ? node.properties : {};
  for (const [key, child] of Object.entries(properties)) {
    problems.push(
      ...(isNode(child) ? nodeProblems(child, `${path}/${key}`) : [`${path}/${key}: must be a schema`]),
    );
  }
  for (const field of Array.isArray(node.required) ? node.required : []) {
    if (typeof field !== 'string' || !(field in properties))
      problems.push(`${path || '/'}: required field ${String(field)} is not among properties`);
  }
  if (isNode(node.additionalProperties))
    problems.push(...nodeProblems(node.additionalProperties, `${path}/*`));
  if (node.type === 'array') {
    problems.push(
      ...(isNode(node.items)
        ? nodeProblems(node.items, `${path}[]`)
        : [`${path || '/'}: an array needs items`]),
    );
  }
  return problems;
}

function hasType(value: unknown, type: unknown): boolean {
  if (type === 'integer') return Number.isInteger(value);
  if (type === 'number') return typeof value === 'number';
  return typeof value === type;
}

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
