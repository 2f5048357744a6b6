import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  Scalar,
  visit,
  type Document,
  type LineCounter,
  type Node,
  type Pair,
  type YAMLMap,
} from 'yaml';
import { resolvePlainScalar } from './go-yaml-scalars.js';

/**
 * Makes a parsed document mean what it means to `kubectl apply` (sigs.k8s.io/yaml over go-yaml
 * v2), and returns, each naming its line, what kubectl would refuse or what YAML readers disagree
 * on:
 * - every unquoted, untagged scalar gets go-yaml v2's value (go-yaml-scalars.ts);
 * - a key twice in one mapping, also as two spellings of one JSON key (`1` and `"1"`, `yes` and
 *   `true`): kubectl refuses duplicate keys;
 * - keys JSON cannot hold as go-yaml writes them: null, a collection, a float (`1.5: x`);
 * - `.inf` and `.nan`, which kubectl cannot send as JSON;
 * - a key written before a `<<` merge that also sets it (go-yaml v2 lets the merge win, YAML 1.1
 *   and this reader keep the key), and a second `<<` in one mapping: both are refused with the fix.
 */
export function readAsKubectl(document: Document, lines: LineCounter): string[] {
  const problems: string[] = [];
  const at = (node: Node | null | undefined) => {
    const offset = node?.range?.[0];
    return offset === undefined ? '' : `line ${lines.linePos(offset).line}: `;
  };
  visit(document, {
    Scalar(_key, node) {
      if (!isPlainUntagged(node)) return;
      const resolved = resolvePlainScalar(node.source ?? '');
      node.value = resolved.value;
      if (resolved.type === 'float' && !Number.isFinite(resolved.value))
        problems.push(
          `${at(node)}${String(node.source)} is not a number JSON can carry, so kubectl cannot send it; quote it if you mean the text`,
        );
    },
  });
  visit(document, {
    Map(_key, map) {
      problems.push(...checkMapKeys(map, document).map(({ node, message }) => `${at(node)}${message}`));
    },
  });
  return problems;
}

function isPlainUntagged(node: Scalar): boolean {
  return (
    (node.type === Scalar.PLAIN || node.type === undefined) && !node.tag && typeof node.value !== 'symbol'
  );
}

function isMergeKey(key: unknown): boolean {
  return isScalar(key) && typeof key.value === 'symbol' && key.value.description === '<<';
}

interface KeyProblem {
  readonly node: Node | null | undefined;
  readonly message: string;
}

type JsonKey = { ok: true; key: string } | { ok: false; message: string };

/** The JSON key go-yaml v2 and sigs.k8s.io/yaml make of a mapping key, or why there is none. */
function jsonKeyOf(key: unknown): JsonKey {
  if (!isScalar(key)) return { ok: false, message: 'a mapping key must be text, a number or a boolean' };
  const { value } = key;
  if (typeof value === 'string') return { ok: true, key: value };
  if (typeof value === 'boolean') return { ok: true, key: String(value) };
  const float = isPlainUntagged(key) && resolvePlainScalar(key.source ?? '').type === 'float';
  if (typeof value === 'number' && Number.isSafeInteger(value) && !float)
    return { ok: true, key: String(value) };
  if (value === null) return { ok: false, message: 'a mapping key is null, which kubectl refuses; quote it' };
  return {
    ok: false,
    message: `the mapping key ${String(key.source ?? value)} is a number kubectl writes in its own way; quote it`,
  };
}

function checkMapKeys(map: YAMLMap, document: Document): KeyProblem[] {
  const problems: KeyProblem[] = [];
  const seen = new Map<string, Node | null>();
  let merged = false;
  for (const pair of map.items as Pair<unknown, unknown>[]) {
    const keyNode = pair.key as Node | null;
    if (isMergeKey(pair.key)) {
      if (merged)
        problems.push({
          node: keyNode,
          message:
            'a second merge key "<<" in one mapping: YAML readers disagree on which wins; merge once, as <<: [*a, *b]',
        });
      merged = true;
      for (const key of mergedKeys(pair.value, document, new Set())) {
        if (seen.has(key))
          problems.push({
            node: seen.get(key),
            message: `key "${key}" comes before a merge key "<<" that sets it too: kubectl lets the merge win, other YAML readers keep the key; put "<<" first`,
          });
      }
      continue;
    }
    const json = jsonKeyOf(pair.key);
    if (!json.ok) {
      problems.push({ node: keyNode, message: json.message });
      continue;
    }
    if (seen.has(json.key))
      problems.push({
        node: keyNode,
        message: `key "${json.key}" appears twice in one mapping (kubectl refuses duplicate keys); keep one`,
      });
    else seen.set(json.key, keyNode);
  }
  return problems;
}

/** The JSON keys a merge value sets: a mapping, an alias of one, or a sequence of them. */
function mergedKeys(value: unknown, document: Document, visited: Set<unknown>): string[] {
  const node = isAlias(value) ? value.resolve(document) : value;
  if (visited.has(node)) return [];
  visited.add(node);
  if (isSeq(node)) return node.items.flatMap((item) => mergedKeys(item, document, visited));
  if (!isMap(node)) return [];
  return (node.items as Pair<unknown, unknown>[]).flatMap((pair) => {
    if (isMergeKey(pair.key)) return mergedKeys(pair.value, document, visited);
    const json = jsonKeyOf(pair.key);
    return json.ok ? [json.key] : [];
  });
}
