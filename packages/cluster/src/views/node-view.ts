import { DEPARTMENT_LABEL, type Validated } from '@corral/policy';
import { readRef, toProblems, unnamedProblem, type FieldError } from './object-ref.js';
import { asRecord, arrayAt, recordAt, stringAt, stringMapAt } from './raw.js';
import { internResources } from './intern.js';
import { hasPositive, readResourceList, type ResourceList } from './resource-list.js';
import { DEFAULT_VIEW_OPTIONS, ROLE_LABEL, type ViewOptions } from './view-options.js';

export type NodeRole = 'gpu' | 'gateway';

export interface Taint {
  readonly key: string;
  readonly value?: string;
  readonly effect: string;
}

/** What the hot paths need to know about a Node. */
export interface NodeView {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly Taint[];
  /** status.allocatable in nano-units. */
  readonly allocatable: ResourceList;
  readonly unschedulable: boolean;
  /** Label corral.dev/department: the node is dedicated to that department; absent = shared pool. */
  readonly department?: string;
  /** Label corral.dev/role, or `gpu` when a GPU resource is allocatable. */
  readonly role?: NodeRole;
  /**
   * A GPU node: label corral.dev/role=gpu, or a GPU resource allocatable whatever the role label (a
   * `gateway` node with GPUs is both a gateway node and a GPU node).
   */
  readonly gpu: boolean;
}

const NO_TAINTS: readonly Taint[] = Object.freeze([]);

export function toNodeView(
  item: unknown,
  origin: string,
  options: ViewOptions = DEFAULT_VIEW_OPTIONS,
): Validated<NodeView> {
  const ref = readRef('Node', item);
  if (!ref) return { ok: false, problems: [unnamedProblem('Node', origin)] };
  const raw = asRecord(item);
  const errors: FieldError[] = [];
  const labels = stringMapAt(recordAt(raw, 'metadata'), 'labels');
  const allocatable = readResourceList(
    recordAt(raw, 'status')?.['allocatable'],
    '/status/allocatable',
    errors,
  );
  const taints = readTaints(arrayAt(recordAt(raw, 'spec'), 'taints'), errors);
  if (errors.length > 0) return { ok: false, problems: toProblems(ref, origin, errors) };
  const department = labels[DEPARTMENT_LABEL];
  const hasGpus = hasPositive(allocatable, options.gpuResources);
  const role = nodeRole(labels[ROLE_LABEL], hasGpus);
  return {
    ok: true,
    value: {
      name: ref.name,
      labels,
      taints: taints.length === 0 ? NO_TAINTS : taints,
      allocatable: internResources(allocatable),
      unschedulable: recordAt(raw, 'spec')?.['unschedulable'] === true,
      ...(department ? { department } : {}),
      ...(role ? { role } : {}),
      gpu: role === 'gpu' || hasGpus,
    },
  };
}

function nodeRole(label: string | undefined, hasGpus: boolean): NodeRole | undefined {
  if (label === 'gpu' || label === 'gateway') return label;
  return hasGpus ? 'gpu' : undefined;
}

function readTaints(items: readonly unknown[], errors: FieldError[]): Taint[] {
  const taints: Taint[] = [];
  items.forEach((item, index) => {
    const taint = asRecord(item);
    const key = stringAt(taint, 'key');
    const effect = stringAt(taint, 'effect');
    if (key === undefined || effect === undefined) {
      errors.push({ field: `/spec/taints/${index}`, message: 'a taint needs a key and an effect' });
      return;
    }
    const value = stringAt(taint, 'value');
    taints.push(value === undefined ? { key, effect } : { key, value, effect });
  });
  return taints;
}
