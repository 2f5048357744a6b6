import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { parse, parseAllDocuments } from 'yaml';
import { DepartmentSchema } from '../schema/department.js';
import { NamespacePolicySchema } from '../schema/namespace-policy.js';
import { validateDepartment, validateNamespacePolicy } from '../validate/validate-object.js';
import type { CustomResourceDefinition } from './build-crds.js';
import type { OpenApiV3Schema } from './openapi-schema.js';

/**
 * The committed CRDs (what kube-apiserver validates and prunes with) against the TypeBox schemas
 * and the validator (what the webhook and the policy files use). Two ways to drift apart:
 * - the schemas: every field, type, enum, default, bound and required list must be the same on both
 *   sides (a hand edit of deploy/crds, or a converter that loses a keyword, shows up here);
 * - the verdicts: an object Corral accepts must be one kube-apiserver stores as written (nothing
 *   refused, nothing pruned), or `corral check` would pass a file that `kubectl apply` refuses or
 *   silently changes. The reverse is wanted where the CRD cannot say it (semantic checks).
 */

const root = new URL('../../../../', import.meta.url);
const crdSchemaOf = (file: string): OpenApiV3Schema => {
  const crd = parse(readFileSync(new URL(`deploy/crds/${file}`, root), 'utf8')) as CustomResourceDefinition;
  const [version] = crd.spec.versions;
  if (version === undefined) throw new Error(`${file} has no version`);
  return version.schema.openAPIV3Schema;
};

const KINDS = [
  ['Department', DepartmentSchema, crdSchemaOf('corral.dev_departments.yaml')],
  ['NamespacePolicy', NamespacePolicySchema, crdSchemaOf('corral.dev_namespacepolicies.yaml')],
] as const;

// --- A small structural-schema validator with kube-apiserver's semantics -------------------------

interface CrdVerdict {
  /** What kube-apiserver refuses (422), by path. */
  readonly errors: string[];
  /** What it drops without a word: unknown fields, and nulls where the schema is not nullable. */
  readonly pruned: string[];
}

function crdVerdict(schema: OpenApiV3Schema, value: unknown): CrdVerdict {
  const verdict: CrdVerdict = { errors: [], pruned: [] };
  // kube-apiserver validates metadata itself (names, labels), not through the CRD's schema.
  const { metadata: _metadata, ...rest } = value as Record<string, unknown>;
  visit(schema, rest, '', verdict);
  return verdict;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function visit(schema: OpenApiV3Schema, value: unknown, path: string, verdict: CrdVerdict): void {
  const fail = (why: string): void => {
    verdict.errors.push(`${path || '/'}: ${why}`);
  };
  if (value === null) {
    if (schema.nullable !== true) fail('null');
    return;
  }
  if (schema['x-kubernetes-int-or-string'] === true) {
    if (typeof value === 'number' ? !Number.isInteger(value) : typeof value !== 'string')
      fail('not int-or-string');
    else scalar(schema, value, fail);
    return;
  }
  if (!hasType(schema.type, value)) return fail(`not ${schema.type ?? 'typed'}`);
  if (Array.isArray(value)) {
    value.forEach((item, index) => schema.items && visit(schema.items, item, `${path}/${index}`, verdict));
    return;
  }
  if (isObject(value)) return visitObject(schema, value, path, verdict);
  scalar(schema, value, fail);
}

function visitObject(
  schema: OpenApiV3Schema,
  value: Record<string, unknown>,
  path: string,
  verdict: CrdVerdict,
): void {
  for (const key of schema.required ?? []) {
    if (value[key] === undefined || value[key] === null) verdict.errors.push(`${path}/${key}: required`);
  }
  for (const [key, item] of Object.entries(value)) {
    const at = `${path}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    const known = schema.properties?.[key] ?? schema.additionalProperties;
    if (known === undefined) {
      if (schema['x-kubernetes-preserve-unknown-fields'] !== true) verdict.pruned.push(at);
    } else if (item === null && known.nullable !== true) verdict.pruned.push(at);
    else visit(known, item, at, verdict);
  }
}

function hasType(type: OpenApiV3Schema['type'], value: unknown): boolean {
  switch (type) {
    case 'object':
      return isObject(value);
    case 'array':
      return Array.isArray(value);
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number';
    case 'string':
      return typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
    default:
      return false;
  }
}

function scalar(schema: OpenApiV3Schema, value: unknown, fail: (why: string) => void): void {
  if (schema.enum !== undefined && !schema.enum.includes(value)) fail('not in enum');
  if (typeof value === 'string') {
    const runes = [...value].length; // Go counts characters, not UTF-16 units
    if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(value)) fail('pattern');
    if (schema.minLength !== undefined && runes < schema.minLength) fail('too short');
    if (schema.maxLength !== undefined && runes > schema.maxLength) fail('too long');
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) fail('below minimum');
    if (schema.maximum !== undefined && value > schema.maximum) fail('above maximum');
  }
}

// --- The schemas, walked together -----------------------------------------------------------------

type Node = Record<string, unknown>;

/** Keywords both sides must hold alike, where TypeBox has them. */
const SAME = ['description', 'default', 'pattern', 'minLength', 'maxLength', 'minimum', 'maximum'] as const;

/** Differences between a TypeBox schema and its CRD counterpart, by path (empty when they agree). */
function schemaDifferences(box: Node, crd: OpenApiV3Schema, path: string): string[] {
  const at = path || '/';
  if (box['x-kubernetes-int-or-string'] === true) return quantityDifferences(box, crd, at);
  const literals = literalsOf(box);
  if (literals !== undefined) {
    const same = JSON.stringify(crd.enum) === JSON.stringify(literals);
    const enumProblem = same ? [] : [`${at}: enum ${JSON.stringify(crd.enum)} ≠ ${JSON.stringify(literals)}`];
    return [...enumProblem, ...keywords(box, crd, at)];
  }
  if (Array.isArray(box.anyOf)) {
    const [only, ...others] = (box.anyOf as Node[]).filter((variant) => variant.type !== 'null');
    if (only === undefined || others.length > 0 || crd.nullable !== true) return [`${at}: not nullable`];
    return schemaDifferences({ ...only, ...pick(box) }, { ...crd, nullable: undefined }, path);
  }
  if (box.type !== crd.type) return [`${at}: type ${String(crd.type)} ≠ ${String(box.type)}`];
  const inside =
    box.type === 'array'
      ? schemaDifferences(box.items as Node, crd.items ?? {}, `${path}[]`)
      : box.type === 'object'
        ? objectDifferences(box, crd, path)
        : [];
  return [...keywords(box, crd, at), ...inside];
}

function quantityDifferences(box: Node, crd: OpenApiV3Schema, at: string): string[] {
  const text = (box.anyOf as Node[]).find((variant) => variant.type === 'string');
  const same = crd['x-kubernetes-int-or-string'] === true && crd.pattern === text?.pattern;
  return same ? [] : [`${at}: a quantity must be int-or-string with the same pattern`];
}

/** A field kube-apiserver handles itself at the root: the CRD lists it as a plain string or object. */
const isApiserverField = (path: string, key: string) =>
  path === '' && ['apiVersion', 'kind', 'metadata'].includes(key);

const sameList = (a: readonly string[], b: readonly string[]) =>
  JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());

function objectDifferences(box: Node, crd: OpenApiV3Schema, path: string): string[] {
  const at = path || '/';
  const patterns = box.patternProperties as Record<string, Node> | undefined;
  if (patterns !== undefined) return mapDifferences(patterns, crd, path);
  const properties = (box.properties ?? {}) as Record<string, Node>;
  const names = Object.keys(properties);
  const crdNames = Object.keys(crd.properties ?? {});
  const required = ((box.required ?? []) as string[]).filter((key) => !isApiserverField(path, key));
  const problems = [
    ...(sameList(names, crdNames)
      ? []
      : [`${at}: fields ${JSON.stringify(crdNames)} ≠ ${JSON.stringify(names)}`]),
    ...(sameList(required, crd.required ?? [])
      ? []
      : [`${at}: required ${JSON.stringify(crd.required ?? [])} ≠ ${JSON.stringify(required)}`]),
    ...((box.additionalProperties === true) === (crd['x-kubernetes-preserve-unknown-fields'] === true)
      ? []
      : [`${at}: unknown fields kept on one side only`]),
  ];
  for (const key of names.filter((name) => !isApiserverField(path, name))) {
    const inCrd = crd.properties?.[key];
    const inBox = properties[key];
    if (inCrd !== undefined && inBox !== undefined)
      problems.push(...schemaDifferences(inBox, inCrd, `${path}/${key}`));
  }
  return problems;
}

/** A TypeBox Record (patternProperties) and the CRD's additionalProperties. */
function mapDifferences(patterns: Record<string, Node>, crd: OpenApiV3Schema, path: string): string[] {
  const [value] = Object.values(patterns);
  if (value === undefined || crd.additionalProperties === undefined)
    return [`${path || '/'}: a map must have additionalProperties`];
  return schemaDifferences(value, crd.additionalProperties, `${path}/*`);
}

function literalsOf(box: Node): unknown[] | undefined {
  if (box.const !== undefined) return [box.const];
  const variants = box.anyOf as Node[] | undefined;
  if (!Array.isArray(variants) || !variants.every((variant) => variant.const !== undefined)) return undefined;
  return variants.map((variant) => variant.const);
}

function pick(box: Node): Node {
  return Object.fromEntries(SAME.filter((key) => box[key] !== undefined).map((key) => [key, box[key]]));
}

function keywords(box: Node, crd: OpenApiV3Schema, at: string): string[] {
  return SAME.filter((key) => JSON.stringify(box[key]) !== JSON.stringify((crd as Node)[key])).map(
    (key) => `${at}: ${key} ${JSON.stringify((crd as Node)[key])} ≠ ${JSON.stringify(box[key])}`,
  );
}

describe.each(KINDS)('the %s CRD and its TypeBox schema', (_kind, box, crd) => {
  it('given both, hold the same fields, types, enums, defaults, bounds and required lists', () => {
    expect(schemaDifferences(box as unknown as Node, crd, '')).toEqual([]);
  });

  it('given the walk, notices a field the CRD lost, a changed enum and a dropped required list', () => {
    const spec = crd.properties?.spec ?? {};
    const [first] = Object.keys(spec.properties ?? {});
    const lost = { ...crd, properties: { ...crd.properties, spec: { ...spec, properties: {} } } };
    expect(schemaDifferences(box as unknown as Node, lost, '')).toContainEqual(
      expect.stringMatching(new RegExp(`^/spec: fields \\[\\] ≠ .*${first ?? ''}`)),
    );
    expect(schemaDifferences(box as unknown as Node, { ...crd, required: [] }, '')).toContainEqual(
      '/: required [] ≠ ["spec"]',
    );
  });
});

// --- The verdicts ---------------------------------------------------------------------------------

const validate = (object: unknown) =>
  (object as { kind?: unknown }).kind === 'NamespacePolicy'
    ? validateNamespacePolicy(object)
    : validateDepartment(object);

const crdOf = (object: unknown) =>
  ((object as { kind?: unknown }).kind === 'NamespacePolicy' ? KINDS[1] : KINDS[0])[2];

/** Every Department and NamespacePolicy of the shipped examples and the design's. */
function corpus(): unknown[] {
  const files = ['examples/departments.yaml', 'examples/policies.yaml'];
  return files.flatMap((file) =>
    parseAllDocuments(readFileSync(new URL(file, root), 'utf8'))
      .map((document) => document.toJS({ maxAliasCount: 100 }) as unknown)
      .filter(
        (object) => isObject(object) && ['Department', 'NamespacePolicy'].includes(String(object.kind)),
      ),
  );
}

const examples = corpus();

describe('an object Corral accepts', () => {
  it('given the examples, there are Departments and NamespacePolicies to check', () => {
    expect(examples.length).toBeGreaterThanOrEqual(6);
  });

  it.each(
    examples.map((object) => [
      `${String((object as Node).kind)} ${JSON.stringify((object as { metadata: Node }).metadata)}`,
      object,
    ]),
  )('given %s, is stored by kube-apiserver as written', (_name, object) => {
    expect(validate(object).ok).toBe(true);
    expect(crdVerdict(crdOf(object), object)).toEqual({ errors: [], pruned: [] });
  });

  it('given any one part of an example changed, is still stored as written whenever Corral accepts it', () => {
    const value = fc.oneof(
      fc.constantFrom(null, '', 0, -1, 1, 1.5, 65, 1e6, true, 'x', '1', '1e3', '-1', 'In', 'enforce', [], {}),
      fc.jsonValue({ maxDepth: 2 }),
    );
    const pathsOf = (v: unknown, prefix: string[] = []): string[][] =>
      isObject(v) || Array.isArray(v)
        ? [prefix, ...Object.entries(v).flatMap(([key, item]) => pathsOf(item, [...prefix, key]))]
        : [prefix];
    const set = (v: unknown, path: readonly string[], to: unknown): unknown => {
      const [head, ...rest] = path;
      if (head === undefined) return to;
      const copy = (Array.isArray(v) ? [...v] : { ...(v as Node) }) as Node;
      copy[head] = set(copy[head], rest, to);
      return copy;
    };
    const cases = examples.flatMap((object) =>
      pathsOf(object)
        .filter((path) => path[0] === 'spec')
        .map((path) => [object, path] as const),
    );
    fc.assert(
      fc.property(fc.constantFrom(...cases), value, ([object, path], to) => {
        const changed = set(object, path, to);
        if (validate(changed).ok)
          expect(crdVerdict(crdOf(changed), changed)).toEqual({ errors: [], pruned: [] });
      }),
      { numRuns: 3000 },
    );
  });
});

const department = (spec: unknown) => ({
  apiVersion: 'corral.dev/v1alpha1',
  kind: 'Department',
  metadata: { name: 'finance' },
  spec,
});
const policy = (spec: unknown) => ({
  apiVersion: 'corral.dev/v1alpha1',
  kind: 'NamespacePolicy',
  metadata: { name: 'policy', namespace: 'finance-prod' },
  spec,
});

describe('an object the CRD stores but Corral refuses', () => {
  // What a structural schema cannot say: the webhook refuses it on write (422), and a copy stored
  // without the webhook is reported through the Valid condition and the `invalid policy object` log.
  it.each([
    ['a misspelt field (pruned by kube-apiserver)', department({ qouta: {} }), 'pruned', '/spec/qouta'],
    ['a null optional field (pruned)', department({ quota: null }), 'pruned', '/spec/quota'],
    [
      'a negative integer quantity',
      department({ quota: { hard: { pods: -1 } } }),
      'stored',
      '/spec/quota/hard/pods',
    ],
    [
      'an unknown quota key',
      department({ quota: { hard: { 'requests.foo': '1' } } }),
      'stored',
      '/spec/quota/hard/requests.foo',
    ],
    [
      'a fractional pod count',
      department({ quota: { hard: { pods: '1.5' } } }),
      'stored',
      '/spec/quota/hard/pods',
    ],
    [
      'a prefix without a registry host',
      department({ images: { allowedRegistries: ['bitnami/'] } }),
      'stored',
      '/spec/images/allowedRegistries/0',
    ],
    [
      'a selector that claims kube-system',
      department({ namespaceSelector: {} }),
      'stored',
      '/spec/namespaceSelector',
    ],
    [
      'In without values',
      department({ namespaceSelector: { matchExpressions: [{ key: 'a', operator: 'In' }] } }),
      'stored',
      '/spec/namespaceSelector/matchExpressions/0',
    ],
    [
      'a default request above its limit',
      policy({ defaults: { requests: { cpu: '2' }, limits: { cpu: '1' } } }),
      'stored',
      '/spec/defaults/requests/cpu',
    ],
    [
      'a spread label key no pod can carry',
      policy({
        scheduling: {
          spread: [{ labelKey: 'app name', topologyKey: 'kubernetes.io/hostname', maxPerDomain: 1 }],
        },
      }),
      'stored',
      '/spec/scheduling/spread/0/labelKey',
    ],
  ] as const)('given %s, Corral names the field', (_name, object, byCrd, field) => {
    const verdict = crdVerdict(crdOf(object), object);
    expect(verdict.errors).toEqual([]);
    expect(verdict.pruned).toEqual(byCrd === 'pruned' ? [field] : []);
    const result = validate(object);
    expect(result.ok ? [] : result.problems.map((problem) => problem.field)).toContain(field);
  });
});

describe('an object both refuse', () => {
  it.each([
    [
      'an unquoted fractional quantity',
      department({ quota: { hard: { 'requests.cpu': 0.5 } } }),
      '/spec/quota/hard/requests.cpu',
    ],
    [
      'a quantity that does not parse',
      department({ quota: { hard: { cpu: '1 Gi' } } }),
      '/spec/quota/hard/cpu',
    ],
    ['an unknown isolation mode', department({ nodeIsolation: 'Dedicated' }), '/spec/nodeIsolation'],
    ['an unknown enforcement mode', policy({ enforcement: 'Enforce' }), '/spec/enforcement'],
    [
      'maxPerDomain 0',
      policy({
        scheduling: { spread: [{ labelKey: 'app', topologyKey: 'kubernetes.io/hostname', maxPerDomain: 0 }] },
      }),
      '/spec/scheduling/spread/0/maxPerDomain',
    ],
    [
      'a negative maxPerDomain',
      policy({
        scheduling: {
          spread: [{ labelKey: 'app', topologyKey: 'kubernetes.io/hostname', maxPerDomain: -1 }],
        },
      }),
      '/spec/scheduling/spread/0/maxPerDomain',
    ],
    ['storage without a pool', department({ storage: { radosNamespace: 'x' } }), '/spec/storage/pool'],
    ['a pool with a NUL byte', department({ storage: { pool: 'rbd\u0000x' } }), '/spec/storage/pool'],
    [
      'an upper-case registry',
      department({ images: { allowedRegistries: ['Harbor.example.com/'] } }),
      '/spec/images/allowedRegistries/0',
    ],
  ] as const)('given %s, both name the field', (_name, object, field) => {
    expect(crdVerdict(crdOf(object), object).errors).toContainEqual(
      expect.stringMatching(new RegExp(`^${field.replace(/[.]/g, '\\.')}:`)),
    );
    const result = validate(object);
    expect(result.ok ? [] : result.problems.map((problem) => problem.field)).toContain(field);
  });
});
