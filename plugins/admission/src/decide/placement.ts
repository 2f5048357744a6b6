import { DEPARTMENT_LABEL, type NodeIsolation } from '@corral/policy';
import { asObject, containersOf, type JsonObject } from './pod-spec.js';

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
 *   which makes the mutation idempotent.
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
  return { ...term, matchExpressions: [...expressions, requirement] };
};

/** Every user term, constrained to the department pool and the role. */
function placedTerms(terms: readonly JsonObject[], placement: Placement): JsonObject[] {
  const alternatives = poolAlternatives(placement);
  const role = roleRequirement(placement);
  const out: JsonObject[] = [];
  for (const term of terms.length > 0 ? terms : [{}]) {
    const placed = alternatives.some((alt) => expressionsOf(term).some((e) => sameRequirement(e, alt)));
    const pooled = placed ? [term] : alternatives.map((alt) => withRequirement(term, alt));
    out.push(...pooled.map((t) => withRequirement(t, role)));
  }
  return out;
}

function applyNodeAffinity(spec: JsonObject, placement: Placement): void {
  const affinity = asObject(spec['affinity']) ?? {};
  const nodeAffinity = asObject(affinity['nodeAffinity']) ?? {};
  const required = asObject(nodeAffinity['requiredDuringSchedulingIgnoredDuringExecution']) ?? {};
  const terms = Array.isArray(required['nodeSelectorTerms'])
    ? (required['nodeSelectorTerms'] as unknown[]).map((t) => asObject(t) ?? {})
    : [];
  spec['affinity'] = {
    ...affinity,
    nodeAffinity: {
      ...nodeAffinity,
      requiredDuringSchedulingIgnoredDuringExecution: {
        ...required,
        nodeSelectorTerms: placedTerms(terms, placement),
      },
    },
  };
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

function applyTolerations(spec: JsonObject, placement: Placement): void {
  const current = Array.isArray(spec['tolerations']) ? [...(spec['tolerations'] as unknown[])] : [];
  for (const toleration of wantedTolerations(placement)) {
    if (!current.some((existing) => sameToleration(existing, toleration))) current.push(toleration);
  }
  spec['tolerations'] = current;
}

/** Writes the department pool and role placement into a pod spec (a copy, in place). */
export function applyPlacement(spec: JsonObject, placement: Placement): void {
  applyNodeAffinity(spec, placement);
  applyTolerations(spec, placement);
}

/** Does any container request (or limit, which defaults the request) a positive GPU amount? */
export function carriesGpuRequest(spec: JsonObject | undefined, gpuResources: readonly string[]): boolean {
  return containersOf(spec).some(({ container }) => {
    const resources = asObject(container['resources']);
    return (
      listsPositive(resources?.['requests'], gpuResources) ||
      listsPositive(resources?.['limits'], gpuResources)
    );
  });
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
