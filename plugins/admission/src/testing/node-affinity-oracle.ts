import type { NodeShape } from './placement-arbitraries.js';

/**
 * kube-scheduler's reading of a pod's required node affinity (component-helpers
 * `nodeaffinity.NodeSelector`), for property tests: terms are ORed, a term's requirements ANDed, a
 * null or empty term selects no node; `matchFields` knows `metadata.name`. Also `nodeSelector`.
 */
type Json = Record<string, unknown>;

const asJson = (value: unknown): Json | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
const listOf = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

function holds(values: Readonly<Record<string, string>>, requirement: unknown): boolean {
  const r = asJson(requirement) ?? {};
  const value = values[String(r['key'])];
  const wanted = listOf(r['values']).map(String);
  switch (r['operator']) {
    case 'In':
      return value !== undefined && wanted.includes(value);
    case 'NotIn':
      return value === undefined || !wanted.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    default:
      return false;
  }
}

function termSelects(node: NodeShape, term: unknown): boolean {
  const t = asJson(term);
  const expressions = listOf(t?.['matchExpressions']);
  const fields = listOf(t?.['matchFields']);
  if (expressions.length === 0 && fields.length === 0) return false;
  return (
    expressions.every((e) => holds(node.labels, e)) &&
    fields.every((f) => holds({ 'metadata.name': node.name }, f))
  );
}

/** May kube-scheduler place a pod of this spec on this node, as far as node selection goes? */
export function selectsNode(spec: Json, node: NodeShape): boolean {
  const selector = asJson(spec['nodeSelector']) ?? {};
  if (Object.entries(selector).some(([key, value]) => node.labels[key] !== value)) return false;
  const required = asJson(
    asJson(asJson(spec['affinity'])?.['nodeAffinity'])?.['requiredDuringSchedulingIgnoredDuringExecution'],
  );
  if (required === undefined) return true;
  return listOf(required['nodeSelectorTerms']).some((term) => termSelects(node, term));
}
