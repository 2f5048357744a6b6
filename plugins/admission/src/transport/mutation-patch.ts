import jsonPatch from 'fast-json-patch';
import { isDeepFrozen } from '../decide/frozen-values.js';

/**
 * The JSON Patch turning a request's object into its mutated copy, as JSON text: fast-json-patch's
 * `compare`, run only where the two differ.
 *
 * The mutation copies on write, so what it did not change is the very same value on both sides. The
 * walk goes down from the root through the objects (and arrays that keep their length or grow) both
 * sides hold, skipping shared values by reference, and stops at each place where they part: a key one
 * side lacks, or two values that are not both objects or both such arrays. There `compare` diffs that
 * one key of the parent (`{[key]: before}` against `{[key]: after}`) and its paths get the parent's
 * path in front. The parts are disjoint keys of objects or items of arrays that lose none, so the
 * operations turn the object into the copy as `compare` on the whole would (items appended to an
 * array come in order, after the changes to the items it had, as `compare` writes them).
 *
 * `compare` deep-clones (JSON round trip) every value it adds: most of its cost. Where the added value
 * is deep-frozen (made by `deepFrozen`: the defaults and placement the mutation shares between pods),
 * nothing can change it, so what `compare` answered the first time (the value as JSON) is reused.
 */
type Container = Record<string, unknown> | unknown[];

const { escapePathComponent } = jsonPatch;

/** Deep-frozen value → its JSON, as `compare` adds it (cloned) and JSON.stringify writes it. */
const addedJson = new WeakMap<object, string>();

function frozenAdd(path: string, key: string, value: object): string {
  let json = addedJson.get(value);
  if (json === undefined) {
    const [operation, ...others] = jsonPatch.compare({}, { [key]: value });
    if (operation?.op !== 'add' || others.length > 0) throw new Error('compare did not answer one add');
    json = JSON.stringify(operation.value);
    addedJson.set(value, json);
  }
  // The same text as JSON.stringify of compare's operation ({op, path, value}).
  return `{"op":"add","path":${JSON.stringify(path)},"value":${json}}`;
}

/**
 * Sets own property `key` of a wrapper. A JSON object may have an own `__proto__` key (JSON.parse
 * makes one), which an assignment would take for the prototype setter: the wrapper would lack the
 * key, and `compare` would answer nothing for it.
 */
function setOwn(wrapper: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(wrapper, key, { value, enumerable: true, writable: true, configurable: true });
  } else wrapper[key] = value;
}

/** Diffs one key of two parents with `compare`, writing each operation (full path) to `out`. */
function diffKey(before: Container, after: Container, key: string, prefix: string, out: string[]): void {
  const had = Object.hasOwn(before, key);
  const value = (after as Record<string, unknown>)[key];
  if (!had && isDeepFrozen(value)) {
    out.push(frozenAdd(`${prefix}/${escapePathComponent(key)}`, key, value as object));
    return;
  }
  // (Wrappers filled after creation: a literal with a computed key costs ~4× as much on Node 20.)
  const from: Record<string, unknown> = {};
  const to: Record<string, unknown> = {};
  if (had) setOwn(from, key, (before as Record<string, unknown>)[key]);
  if (Object.hasOwn(after, key)) setOwn(to, key, value);
  for (const operation of jsonPatch.compare(from, to)) {
    operation.path = prefix + operation.path;
    out.push(JSON.stringify(operation));
  }
}

const isWalkable = (value: unknown): value is Container =>
  typeof value === 'object' && value !== null && typeof (value as { toJSON?: unknown }).toJSON !== 'function';

/** Can the walk go down into both (else `compare` diffs them whole)? */
function bothWalkable(before: unknown, after: unknown): boolean {
  if (!isWalkable(before) || !isWalkable(after)) return false;
  if (!Array.isArray(before)) return !Array.isArray(after);
  // Arrays that keep their length or grow (compare appends new items in order after the rest) and
  // hold no `undefined` where they differ (which compare turns into null in an array but into a
  // removal in an object).
  if (!Array.isArray(after) || after.length < before.length) return false;
  for (let index = 0; index < before.length; index++) {
    if (before[index] !== after[index] && (before[index] === undefined || after[index] === undefined))
      return false;
  }
  return true;
}

/** Diffs two values the walk can go down into (see bothWalkable). */
function walk(before: Container, after: Container, prefix: string, out: string[]): void {
  if (Array.isArray(before)) walkArray(before, after as unknown[], prefix, out);
  else walkObject(before, after as Record<string, unknown>, prefix, out);
}

function walkObject(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  prefix: string,
  out: string[],
): void {
  let kept = 0; // keys of `before` that `after` still has
  for (const key of Object.keys(after)) {
    const next = after[key];
    if (!Object.hasOwn(before, key)) {
      if (next !== undefined) diffKey(before, after, key, prefix, out);
      continue;
    }
    kept++;
    const previous = before[key];
    if (previous === next) continue;
    if (bothWalkable(previous, next)) {
      walk(previous as Container, next as Container, `${prefix}/${escapePathComponent(key)}`, out);
    } else diffKey(before, after, key, prefix, out);
  }
  if (kept === Object.keys(before).length) return; // nothing removed
  for (const key of Object.keys(before)) {
    if (!Object.hasOwn(after, key)) diffKey(before, after, key, prefix, out);
  }
}

/** Items of `after` past the end of `before` are appended, in order, after the changes to the others. */
function walkArray(before: unknown[], after: unknown[], prefix: string, out: string[]): void {
  for (let index = 0; index < after.length; index++) {
    const next = after[index];
    if (index < before.length && before[index] === next) continue;
    if (index < before.length && bothWalkable(before[index], next)) {
      walk(before[index] as Container, next as Container, `${prefix}/${index}`, out);
    } else if (index < before.length || next !== undefined) {
      diffKey(before, after, String(index), prefix, out);
    }
  }
}

/**
 * Given the request's object and the mutated copy, returns the JSON Patch from one to the other as
 * JSON text, or undefined when they do not differ (or either is not a JSON object).
 */
export function mutationPatch(original: unknown, mutated: unknown): string | undefined {
  if (!isPlainObject(original) || !isPlainObject(mutated)) return undefined;
  if (original === mutated) return undefined;
  const out: string[] = [];
  if (bothWalkable(original, mutated)) walk(original, mutated, '', out);
  else for (const operation of jsonPatch.compare(original, mutated)) out.push(JSON.stringify(operation));
  return out.length === 0 ? undefined : `[${out.join(',')}]`;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
