import { DEPARTMENT_LABEL, type NodeIsolation } from '@corral/policy';
import { deepFrozen } from './frozen-values.js';
import { copyWith } from './copy-with.js';
import { asObject, CONTAINER_LISTS, type JsonObject } from './pod-spec.js';

/**
 * Department and role placement written into a pod so kube-scheduler narrows the nodes itself
 * (DESIGN.md "Layered enforcement"; the choices are recorded in docs/adr/0008).
 *
 * - Department pool: dedicated → `corral.dev/department In [dept]`; shared → its own nodes OR unlabelled
 *   nodes, i.e. every term is split in two (`In [dept]` and `DoesNotExist`).
 * - Role: gateway pods → `corral.dev/role In [gateway]`; GPU pods → `NotIn [gateway]`; every other pod
 *   → `NotIn [gpu, gateway]`. (GPU pods need no `In [gpu]`: their GPU request already restricts them to
 *   GPU nodes, some of which carry no role label.)
 * - Node affinity terms are ORed, so each requirement is added to EACH term the user wrote; the user's
 *   own expressions and fields are kept. A term already carrying Corral's requirement is left alone,
 *   which makes the mutation idempotent. So is a null or empty term: it selects no node, and with
 *   Corral's requirements it would select the department's nodes.
 * - Tolerations for the department's taint and the role's taint (and `<gpu resource>:NoSchedule` for
 *   GPU pods, as Kubernetes' ExtendedResourceToleration plugin would add), each added once.
 */
export const ROLE_LABEL = 'corral.dev/role';

export interface Placement {
  readonly department: string;
  readonly isolation: NodeIsolation;
  readonly gpu: boolean;
  readonly gateway: boolean;
  readonly gpuResources: readonly string[];
}

type Requirement = { key: string; operator: string; values?: string[] };

const NO_VALUES: readonly string[] = [];

const sameRequirement = (a: unknown, b: Requirement): boolean => {
  const x = asObject(a);
  if (!x || x['key'] !== b.key || x['operator'] !== b.operator) return false;
  const values = Array.isArray(x['values']) ? (x['values'] as unknown[]) : NO_VALUES;
  const wanted = b.values ?? NO_VALUES;
  return values.length === wanted.length && values.every((value, index) => value === wanted[index]);
};

function roleRequirement(placement: Placement): Requirement {
  if (placement.gateway) return { key: ROLE_LABEL, operator: 'In', values: ['gateway'] };
  if (placement.gpu) return { key: ROLE_LABEL, operator: 'NotIn', values: ['gateway'] };
  return { key: ROLE_LABEL, operator: 'NotIn', values: ['gpu', 'gateway'] };
}

/** The alternatives for the department pool: one requirement (dedicated) or two (shared). */
function poolAlternatives(placement: Placement): Requirement[] {
  const own: Requirement = { key: DEPARTMENT_LABEL, operator: 'In', values: [placement.department] };
  if (placement.isolation === 'dedicated') return [own];
  return [own, { key: DEPARTMENT_LABEL, operator: 'DoesNotExist' }];
}

const expressionsOf = (term: JsonObject): unknown[] =>
  Array.isArray(term['matchExpressions']) ? (term['matchExpressions'] as unknown[]) : [];

const withRequirement = (term: JsonObject, requirement: Requirement): JsonObject => {
  const expressions = expressionsOf(term);
  if (expressions.some((e) => sameRequirement(e, requirement))) return term;
  return copyWith(term, { matchExpressions: [...expressions, requirement] });
};

const listLength = (value: unknown): number => (Array.isArray(value) ? value.length : 0);

/**
 * Does a term select no node at all? Kubernetes reads a null or empty term (no requirement and no
 * field) so; constrained, it would select the department's nodes, widening what the user wrote.
 */
const selectsNothing = (term: JsonObject): boolean =>
  listLength(term['matchExpressions']) === 0 && listLength(term['matchFields']) === 0;

/**
 * Every user term, constrained to the department pool and the role (the term itself when it is, or
 * when it selects no node: see selectsNothing).
 */
function placedTerms(
  terms: readonly unknown[],
  parts: Pick<PlacementParts, 'alternatives' | 'role'>,
): unknown[] {
  const out: unknown[] = [];
  for (const item of terms.length > 0 ? terms : [{}]) {
    const term = asObject(item);
    // (Not an object: null, which selects nothing too, or what kube-apiserver cannot decode.)
    if (term === undefined || (terms.length > 0 && selectsNothing(term))) {
      out.push(item);
      continue;
    }
    const placed = parts.alternatives.some((alt) => expressionsOf(term).some((e) => sameRequirement(e, alt)));
    const pooled = placed ? [term] : parts.alternatives.map((alt) => withRequirement(term, alt));
    for (const t of pooled) out.push(withRequirement(t, parts.role));
  }
  return out;
}

type Toleration = { key: string; operator: 'Equal' | 'Exists'; value?: string; effect: 'NoSchedule' };

function wantedTolerations(placement: Placement): Toleration[] {
  const wanted: Toleration[] = [
    { key: DEPARTMENT_LABEL, operator: 'Equal', value: placement.department, effect: 'NoSchedule' },
  ];
  if (placement.gateway)
    wanted.push({ key: ROLE_LABEL, operator: 'Equal', value: 'gateway', effect: 'NoSchedule' });
  if (placement.gpu) {
    wanted.push({ key: ROLE_LABEL, operator: 'Equal', value: 'gpu', effect: 'NoSchedule' });
    for (const key of placement.gpuResources) wanted.push({ key, operator: 'Exists', effect: 'NoSchedule' });
  }
  return wanted;
}

const sameToleration = (a: unknown, b: Toleration): boolean => {
  const x = asObject(a);
  return (
    x !== undefined &&
    x['key'] === b.key &&
    (x['operator'] ?? 'Equal') === b.operator &&
    (x['value'] ?? undefined) === b.value &&
    x['effect'] === b.effect
  );
};

/** `current` with each wanted toleration it lacks appended (in order, once); `current` when none. */
function withTolerations(current: readonly unknown[], wanted: readonly Toleration[]): readonly unknown[] {
  let next: unknown[] | undefined;
  for (const toleration of wanted) {
    if (!(next ?? current).some((existing) => sameToleration(existing, toleration)))
      (next ??= [...current]).push(toleration);
  }
  return next ?? current;
}

/**
 * What a placement writes, built once per placement and shared (deep-frozen): the requirements, the
 * tolerations, and the affinity and toleration list of a pod that has none.
 */
interface PlacementParts {
  readonly alternatives: readonly Requirement[];
  readonly role: Requirement;
  readonly tolerations: readonly Toleration[];
  readonly bareTolerations: readonly unknown[];
  readonly bareAffinity: JsonObject;
}

const affinityWith = (terms: readonly unknown[]): JsonObject => ({
  nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } },
});

function partsFor(placement: Placement): PlacementParts {
  const alternatives = deepFrozen(poolAlternatives(placement));
  const role = deepFrozen(roleRequirement(placement));
  const tolerations = deepFrozen(wantedTolerations(placement));
  return {
    alternatives,
    role,
    tolerations,
    bareTolerations: deepFrozen(withTolerations([], tolerations)),
    bareAffinity: deepFrozen(affinityWith(placedTerms([], { alternatives, role }))),
  };
}

/** Parts by placement (few: departments × roles); emptied if it ever grows past the bound. */
const PARTS_LIMIT = 1024;
const partsCache = new Map<string, PlacementParts>();

function cachedParts(placement: Placement): PlacementParts {
  const key = [
    placement.department,
    placement.isolation,
    placement.gpu,
    placement.gateway,
    ...placement.gpuResources,
  ].join('\n');
  let parts = partsCache.get(key);
  if (parts === undefined) {
    if (partsCache.size >= PARTS_LIMIT) partsCache.clear();
    parts = partsFor(placement);
    partsCache.set(key, parts);
  }
  return parts;
}

function applyNodeAffinity(spec: JsonObject, parts: PlacementParts): void {
  const affinity = asObject(spec['affinity']);
  if (affinity === undefined) {
    spec['affinity'] = parts.bareAffinity;
    return;
  }
  const nodeAffinity = asObject(affinity['nodeAffinity']) ?? {};
  const required = asObject(nodeAffinity['requiredDuringSchedulingIgnoredDuringExecution']) ?? {};
  const current = required['nodeSelectorTerms'];
  const placed = placedTerms(Array.isArray(current) ? (current as unknown[]) : [], parts);
  // Already placed (each term is the user's own, unchanged): leave the affinity as it is.
  if (Array.isArray(current) && placed.length === current.length && placed.every((t, i) => t === current[i]))
    return;
  spec['affinity'] = copyWith(affinity, {
    nodeAffinity: copyWith(nodeAffinity, {
      requiredDuringSchedulingIgnoredDuringExecution: copyWith(required, { nodeSelectorTerms: placed }),
    }),
  });
}

function applyTolerations(spec: JsonObject, parts: PlacementParts): void {
  const current = spec['tolerations'];
  if (!Array.isArray(current)) {
    spec['tolerations'] = parts.bareTolerations;
    return;
  }
  const next = withTolerations(current, parts.tolerations);
  if (next !== current) spec['tolerations'] = next;
}

/**
 * Writes the department pool and role placement into a pod spec (a copy, in place). What the pod
 * already carries is left as it is; what it lacks entirely gets values shared between pods
 * (deep-frozen).
 */
export function applyPlacement(spec: JsonObject, placement: Placement): void {
  const parts = cachedParts(placement);
  applyNodeAffinity(spec, parts);
  applyTolerations(spec, parts);
}

/** Does any container request (or limit, which defaults the request) a positive GPU amount? */
export function carriesGpuRequest(spec: JsonObject | undefined, gpuResources: readonly string[]): boolean {
  for (const list of CONTAINER_LISTS) {
    const items = spec?.[list];
    if (!Array.isArray(items)) continue;
    for (const item of items as unknown[]) {
      const resources = asObject(asObject(item)?.['resources']);
      if (
        listsPositive(resources?.['requests'], gpuResources) ||
        listsPositive(resources?.['limits'], gpuResources)
      )
        return true;
    }
  }
  return false;
}

const ZERO = /^0*(\.0*)?$/;

/** Does this resource list set one of these resources to a non-zero amount? */
function listsPositive(list: unknown, names: readonly string[]): boolean {
  const map = asObject(list);
  return map !== undefined && names.some((name) => map[name] !== undefined && !ZERO.test(String(map[name])));
}

/** Is the pod an API-gateway workload (label corral.dev/role=gateway)? */
export function isGatewayPod(labels: Readonly<Record<string, unknown>> | undefined): boolean {
  return labels?.[ROLE_LABEL] === 'gateway';
}
