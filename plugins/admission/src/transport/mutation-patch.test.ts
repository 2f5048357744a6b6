import fc from 'fast-check';
import jsonPatch from 'fast-json-patch';
import { deepFrozen } from '../decide/frozen-values.js';
import { mutatePod } from '../decide/mutate.js';
import type { AdmissionRequest } from '../decide/request.js';
import { DEFAULT_RULE_SETTINGS } from '../decide/settings.js';
import { podRequest, snapshotFromFiles } from '../testing/example-snapshot.js';
import {
  deepFreeze,
  MUTATED_NAMESPACES,
  podLabelsArbitrary,
  podSpecArbitrary,
} from '../testing/pod-arbitraries.js';
import { parseReview, respond } from './envelope.js';
import { mutationPatch } from './mutation-patch.js';

type Json = Record<string, unknown>;
type Operation = jsonPatch.Operation;

const operationsOf = (text: string | undefined): Operation[] =>
  text === undefined ? [] : (JSON.parse(text) as Operation[]);
/** The operations as a sorted list of JSON texts: the same set whatever their order. */
const asSet = (operations: readonly Operation[]) => operations.map((o) => JSON.stringify(o)).sort();
/** As JSON carries it (no shared references, no -0, no undefined). */
const asJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value));
const applied = (original: unknown, operations: Operation[]) =>
  jsonPatch.applyPatch(asJson(original), operations).newDocument;

/** A key fast-check's strings (printable ASCII) never make, standing in for `__proto__`. */
const PROTO_STAND_IN = '\u0000__proto__';
/** The value (as JSON carries it) with every own `__proto__` key renamed to PROTO_STAND_IN. */
const protoRenamed = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(protoRenamed);
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value).map(([key, item]) => [
    key === '__proto__' ? PROTO_STAND_IN : key,
    protoRenamed(item),
  ]);
  return Object.fromEntries(entries) as unknown;
};
const protoRenamedOperation = (operation: Operation): Operation => {
  const path = operation.path
    .split('/')
    .map((part) => (part === '__proto__' ? PROTO_STAND_IN : part))
    .join('/');
  return 'value' in operation
    ? { ...operation, path, value: protoRenamed(operation.value) }
    : { ...operation, path };
};
/**
 * `original` patched as kube-apiserver patches it (evanphx/json-patch: `__proto__` and
 * `constructor/prototype` are keys like any other), with `__proto__` keys renamed (compare the result
 * with `protoRenamed` of the expected object). fast-check's strings include such keys, and
 * fast-json-patch refuses a path through them, or with that check off takes the add of a `__proto__`
 * key for the prototype setter.
 */
const appliedRenamed = (original: unknown, operations: Operation[]) =>
  jsonPatch.applyPatch(
    protoRenamed(asJson(original)),
    operations.map(protoRenamedOperation),
    false,
    true,
    false,
  ).newDocument;
/** JSON text parsed: unlike a literal, it can hold an own `__proto__` key. */
const parsed = (text: string) => JSON.parse(text) as Json;

describe('mutationPatch, table', () => {
  const shared = { deep: { list: [1, 2, { x: 1 }] } };
  const cases: [string, Json, Json][] = [
    ['an unchanged copy', { a: 1, shared }, { a: 1, shared }],
    ['a key added', { a: 1 }, { a: 1, b: { c: [1] } }],
    ['a key removed', { a: 1, b: 2 }, { a: 1 }],
    ['a key set to undefined', { a: 1, b: 2 }, { a: 1, b: undefined }],
    ['a value replaced by another kind', { a: { b: 1 } }, { a: [1] }],
    ['an array grown', { a: [1, { b: 1 }] }, { a: [1, { b: 2 }, 3, { c: 4 }] }],
    ['an array shrunk', { a: [1, 2, 3] }, { a: [2] }],
    ['an array item set to undefined', { a: [1, 2] }, { a: [1, undefined] }],
    ['an array grown by undefined', { a: [1] }, { a: [1, undefined] }],
    ['keys needing escapes', { 'a/b': { '~c': 1 } }, { 'a/b': { '~c': 2, 'd/~': 3 } }],
    ['a shared subtree inside a copy', { shared, n: 1 }, { shared, n: 2 }],
  ];
  it.each(cases)('given %s, answers the operations compare answers', (_what, before, after) => {
    const expected = jsonPatch.compare(before, after);
    const patch = mutationPatch(before, after);
    expect(asSet(operationsOf(patch))).toEqual(asSet(expected));
    if (expected.length === 0) expect(patch).toBeUndefined();
  });

  it.each([
    ['removed', '{"x":{"__proto__":1,"k":2}}', '{"x":{"k":2}}', { op: 'remove', path: '/x/__proto__' }],
    [
      'replaced',
      '{"x":{"__proto__":1}}',
      '{"x":{"__proto__":{"a":1}}}',
      { op: 'replace', path: '/x/__proto__', value: { a: 1 } },
    ],
    [
      'added',
      '{"x":{"k":1}}',
      '{"x":{"k":1,"__proto__":[2]}}',
      { op: 'add', path: '/x/__proto__', value: [2] },
    ],
  ])('given an own __proto__ key %s, answers its operation as compare does', (_what, from, to, operation) => {
    const [before, after] = [parsed(from), parsed(to)];
    expect(jsonPatch.compare(before, after)).toEqual([operation]);
    const operations = operationsOf(mutationPatch(before, after));
    expect(operations).toEqual([operation]);
    expect(appliedRenamed(before, operations)).toEqual(protoRenamed(after));
  });

  it.each([
    ['not objects', 'x', 'y'],
    ['an array', [1], [2]],
    ['null', null, { a: 1 }],
  ])('given %s, answers no patch', (_what, before, after) => {
    expect(mutationPatch(before, after)).toBeUndefined();
  });

  it('given a deep-frozen value added twice, answers compare’s add both times and compares it once', () => {
    const value = deepFrozen({ requests: { cpu: '1' }, list: [{ name: 'a' }] });
    const spy = vi.spyOn(jsonPatch, 'compare');
    try {
      for (const key of ['first', 'second']) {
        const patch = mutationPatch({ spec: { x: 1 } }, { spec: { x: 1, [key]: value } });
        expect(operationsOf(patch)).toEqual([{ op: 'add', path: `/spec/${key}`, value }]);
      }
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
  });
});

/** One edit, made copy on write (only the objects on its path are copied). */
interface Edit {
  readonly at: readonly number[];
  readonly action: 'set' | 'delete' | 'push' | 'pop';
  readonly key: string;
  readonly value: unknown;
}

function editContainer(value: Json | unknown[], edit: Edit): unknown {
  if (Array.isArray(value)) {
    if (edit.action === 'push') return [...value, edit.value];
    if (edit.action === 'pop') return value.slice(0, -1);
    const index = (edit.at[0] ?? 0) % Math.max(1, value.length);
    return edit.action === 'set'
      ? Object.assign([...value], { [index]: edit.value })
      : value.filter((_, i) => i !== index);
  }
  if (edit.action === 'delete' || edit.action === 'pop') {
    const doomed = Object.hasOwn(value, edit.key) ? edit.key : Object.keys(value)[0];
    return Object.fromEntries(Object.entries(value).filter(([key]) => key !== doomed));
  }
  return { ...value, [edit.key]: edit.value };
}

function edited(value: unknown, edit: Edit, depth = 0): unknown {
  if (typeof value !== 'object' || value === null) return edit.value;
  const children = Object.keys(value);
  const seed = edit.at[depth];
  if (seed === undefined || children.length === 0) return editContainer(value as Json, edit);
  const key = children[seed % children.length] as string;
  const child = edited((value as Json)[key], edit, depth + 1);
  return Array.isArray(value)
    ? Object.assign([...value], { [key]: child })
    : { ...(value as Json), [key]: child };
}

const editArbitrary = (values: fc.Arbitrary<unknown>) =>
  fc.record({
    at: fc.array(fc.nat(), { maxLength: 4 }),
    action: fc.constantFrom('set', 'delete', 'push', 'pop'),
    key: fc.constantFrom('a', 'b/c', 'd~e', 'f'),
    value: values,
  });

describe('mutationPatch, random copies on write', () => {
  const objects = fc.dictionary(fc.string({ maxLength: 3 }), fc.jsonValue({ maxDepth: 3 }));

  it('given an object and a copy edited on write, answers a patch that turns one into the other', () => {
    fc.assert(
      fc.property(
        objects,
        fc.array(editArbitrary(fc.jsonValue({ maxDepth: 2 })), { maxLength: 5 }),
        (o, edits) => {
          const before = deepFreeze(o);
          const after = edits.reduce<unknown>((value, edit) => edited(value, edit), before);
          fc.pre(typeof after === 'object' && after !== null && !Array.isArray(after));
          const operations = operationsOf(mutationPatch(before, after));
          expect(asSet(operations)).toEqual(asSet(jsonPatch.compare(before, after as Json)));
          expect(appliedRenamed(before, operations)).toEqual(protoRenamed(asJson(after)));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('given edits that write undefined too, answers the operations compare answers', () => {
    const values = fc.option(fc.jsonValue({ maxDepth: 2 }), { nil: undefined });
    fc.assert(
      fc.property(objects, fc.array(editArbitrary(values), { maxLength: 5 }), (o, edits) => {
        const after = edits.reduce<unknown>((value, edit) => edited(value, edit), o);
        fc.pre(typeof after === 'object' && after !== null && !Array.isArray(after));
        const operations = operationsOf(mutationPatch(o, after));
        expect(asSet(operations)).toEqual(asSet(jsonPatch.compare(o, after as Json)));
      }),
      { numRuns: 300 },
    );
  });
});

const snapshot = await snapshotFromFiles();

describe('the mutation’s patch, random pods', () => {
  const mutate = (request: AdmissionRequest) => mutatePod(request, snapshot, DEFAULT_RULE_SETTINGS);
  const patchOf = (request: AdmissionRequest) => {
    const review = parseReview({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request });
    const { patch } = respond(review, mutate(request)).response;
    return patch === undefined
      ? undefined
      : (JSON.parse(Buffer.from(patch, 'base64').toString('utf8')) as Operation[]);
  };

  it('given any pod, the patch applied to it is the mutated copy, and mutating that again patches nothing', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...MUTATED_NAMESPACES),
        podSpecArbitrary,
        podLabelsArbitrary,
        (namespace, spec, labels) => {
          const request = deepFreeze(
            podRequest(namespace, spec, labels ? { labels } : {}),
          ) as unknown as AdmissionRequest;
          const { mutated } = mutate(request);
          const operations = patchOf(request) ?? [];
          expect(asSet(operations)).toEqual(
            asSet(jsonPatch.compare(request.object as Json, mutated as Json)),
          );
          const patched = applied(request.object, operations);
          expect(patched).toEqual(asJson(mutated));
          expect(patchOf({ ...request, object: patched })).toBeUndefined();
        },
      ),
      { numRuns: 400 },
    );
  });

  it('given any pod as JSON carries it, the patch applies under strict checks (as kube-apiserver applies it)', () => {
    // kube-apiserver applies the patch with evanphx/json-patch, which refuses a replace or remove of a
    // path that does not exist and an add under a missing parent: fast-json-patch's validation does too.
    fc.assert(
      fc.property(
        fc.constantFrom(...MUTATED_NAMESPACES),
        podSpecArbitrary,
        podLabelsArbitrary,
        (namespace, spec, labels) => {
          const request = deepFreeze(
            asJson(podRequest(namespace, spec, labels ? { labels } : {})),
          ) as unknown as AdmissionRequest;
          const operations = patchOf(request) ?? [];
          const patched = jsonPatch.applyPatch(asJson(request.object), operations, true).newDocument;
          expect(patched).toEqual(asJson(mutate(request).mutated));
        },
      ),
      { numRuns: 400 },
    );
  });
});
