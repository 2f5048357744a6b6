import type { ClusterSnapshot, InvalidPolicy, RefusedCopy } from '@corral/cluster';
import { formatUsage } from '@corral/cluster';
import type { Department } from '@corral/policy';
import {
  readConditions,
  sameConditions,
  validCondition,
  withCondition,
} from './department-status-condition.js';
import { asObject } from './pod-spec.js';

/** What Corral writes into a Department's status: its namespaces, their pooled usage, its conditions. */
export interface DepartmentStatusUpdate {
  readonly name: string;
  readonly status: NonNullable<Department['status']>;
  /** The resourceVersion of the copy the status was computed from: the newest copy the snapshot saw. */
  readonly resourceVersion?: string;
}

type StatusView = Pick<
  ClusterSnapshot,
  'departments' | 'namespacesOfDepartment' | 'usageOfDepartment' | 'invalidPolicies'
>;

/** A Department whose status Corral keeps: its newest copy, and why that copy is refused (if it is). */
interface Target {
  readonly name: string;
  readonly copy: RefusedCopy;
  readonly refused?: InvalidPolicy;
  readonly served?: Department;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * Given the snapshot and the time now (a metav1.Time), returns the Departments whose status
 * (namespaces, used, the `Valid` condition) differs from what the snapshot computes, with the full new
 * status (other status fields and conditions kept). A Department whose newest copy is refused is
 * judged on that copy (its status, its generation): Valid=False, and, when no valid copy is served,
 * no namespaces and no usage. Empty when all are current.
 */
export function staleDepartmentStatuses(view: StatusView, now: string): DepartmentStatusUpdate[] {
  const updates: DepartmentStatusUpdate[] = [];
  for (const target of statusTargets(view)) {
    const { name, copy, refused, served } = target;
    const current = (asObject(copy.status) ?? {}) as NonNullable<Department['status']>;
    const namespaces = [...view.namespacesOfDepartment(name)].sort();
    const used = formatUsage(view.usageOfDepartment(name));
    const stored = readConditions(current.conditions);
    const desired = validCondition(refused, copy.generation, served?.metadata.generation);
    const conditions = withCondition(stored, desired, now);
    if (
      same(current.namespaces, namespaces) &&
      same(current.used, used) &&
      sameConditions(stored, conditions) &&
      stored.length === (current.conditions?.length ?? 0)
    )
      continue;
    const resourceVersion =
      copy.resourceVersion === undefined ? {} : { resourceVersion: copy.resourceVersion };
    updates.push({ name, status: { ...current, namespaces, used, conditions }, ...resourceVersion });
  }
  return updates;
}

/** The names of the Departments whose status Corral keeps: served, or refused. */
export function departmentStatusNames(
  view: Pick<StatusView, 'departments' | 'invalidPolicies'>,
): Set<string> {
  const names = new Set([...view.departments()].map((d) => d.metadata.name));
  for (const p of view.invalidPolicies()) if (p.kind === 'Department') names.add(p.name);
  return names;
}

/** Every served Department, and every refused one no valid copy stands for; each with its newest copy. */
function statusTargets(view: StatusView): Target[] {
  const refused = new Map<string, InvalidPolicy>();
  for (const p of view.invalidPolicies()) if (p.kind === 'Department') refused.set(p.name, p);
  const targets: Target[] = [];
  for (const served of view.departments()) {
    const name = served.metadata.name;
    const newest = refused.get(name);
    refused.delete(name);
    const { generation, resourceVersion } = served.metadata;
    const copy = newest?.copy ?? {
      ...(generation === undefined ? {} : { generation }),
      ...(resourceVersion === undefined ? {} : { resourceVersion }),
      ...(served.status === undefined ? {} : { status: served.status }),
    };
    targets.push({ name, copy, served, ...(newest ? { refused: newest } : {}) });
  }
  for (const [name, newest] of refused) targets.push({ name, copy: newest.copy, refused: newest });
  return targets;
}
