import { applyUsage, EMPTY_USAGE, type Usage } from '../usage/usage.js';

/**
 * Quota usage per namespace and per department, adjusted by deltas. A department's usage is the sum
 * of its namespaces'; when a namespace changes department its whole usage moves in one step.
 */
export class UsageIndex {
  private readonly byNamespace = new Map<string, Map<string, bigint>>();
  private readonly byDepartment = new Map<string, Map<string, bigint>>();

  apply(namespace: string, department: string | undefined, delta: Usage, sign: 1n | -1n): void {
    if (delta.size === 0) return;
    adjust(this.byNamespace, namespace, delta, sign);
    if (department !== undefined) adjust(this.byDepartment, department, delta, sign);
  }

  moveNamespace(namespace: string, from: string | undefined, to: string | undefined): void {
    const usage = this.byNamespace.get(namespace);
    if (!usage || from === to) return;
    if (from !== undefined) adjust(this.byDepartment, from, usage, -1n);
    if (to !== undefined) adjust(this.byDepartment, to, usage, 1n);
  }

  ofNamespace(namespace: string): Usage {
    return this.byNamespace.get(namespace) ?? EMPTY_USAGE;
  }

  ofDepartment(department: string): Usage {
    return this.byDepartment.get(department) ?? EMPTY_USAGE;
  }
}

function adjust(index: Map<string, Map<string, bigint>>, key: string, delta: Usage, sign: 1n | -1n): void {
  let usage = index.get(key);
  if (!usage) {
    usage = new Map();
    index.set(key, usage);
  }
  applyUsage(usage, delta, sign);
  if (usage.size === 0) index.delete(key);
}
