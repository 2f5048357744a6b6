import { departmentClaimsNamespace, type Department, type Labels } from '@corral/policy';

/** A namespace changing department (undefined: none). */
export interface NamespaceMove {
  readonly namespace: string;
  readonly from: string | undefined;
  readonly to: string | undefined;
}

/** Among departments claiming one namespace, the one that gets it (oldest wins). */
export type PickOwner = (claimants: readonly Department[]) => Department | undefined;

const NO_NAMESPACES: ReadonlySet<string> = new Set();

/**
 * Which department owns each namespace. A namespace event evaluates every department's selector on
 * that namespace (departments are few); a Department event evaluates that department's selector on
 * every namespace. When several departments claim a namespace, `pickOwner` decides; the conflict
 * itself is reported by the policy checks.
 */
export class ClaimIndex {
  private readonly departments = new Map<string, Department>();
  private readonly labels = new Map<string, Labels>();
  private readonly claimants = new Map<string, Set<string>>();
  private readonly owners = new Map<string, string>();
  private readonly owned = new Map<string, Set<string>>();

  constructor(private readonly pickOwner: PickOwner) {}

  setNamespace(namespace: string, labels: Labels): NamespaceMove[] {
    this.labels.set(namespace, labels);
    const claim = new Set<string>();
    for (const department of this.departments.values()) {
      if (departmentClaimsNamespace(department, labels)) claim.add(department.metadata.name);
    }
    this.claimants.set(namespace, claim);
    return this.settle(namespace);
  }

  removeNamespace(namespace: string): NamespaceMove[] {
    this.labels.delete(namespace);
    this.claimants.delete(namespace);
    return this.settle(namespace);
  }

  setDepartment(department: Department): NamespaceMove[] {
    const name = department.metadata.name;
    this.departments.set(name, department);
    const moves: NamespaceMove[] = [];
    for (const [namespace, labels] of this.labels) {
      const claim = this.claimants.get(namespace);
      const claims = departmentClaimsNamespace(department, labels);
      if (!claims && !claim?.has(name)) continue;
      if (claims) claim?.add(name);
      else claim?.delete(name);
      moves.push(...this.settle(namespace));
    }
    return moves;
  }

  removeDepartment(name: string): NamespaceMove[] {
    this.departments.delete(name);
    const moves: NamespaceMove[] = [];
    for (const [namespace, claim] of this.claimants) {
      if (claim.delete(name)) moves.push(...this.settle(namespace));
    }
    return moves;
  }

  departmentOf(namespace: string): string | undefined {
    return this.owners.get(namespace);
  }

  namespacesOf(department: string): ReadonlySet<string> {
    return this.owned.get(department) ?? NO_NAMESPACES;
  }

  private settle(namespace: string): NamespaceMove[] {
    const claim = [...(this.claimants.get(namespace) ?? [])].flatMap(
      (name) => this.departments.get(name) ?? [],
    );
    const to = claim.length === 0 ? undefined : this.pickOwner(claim)?.metadata.name;
    const from = this.owners.get(namespace);
    if (from === to) return [];
    if (from !== undefined) {
      this.owned.get(from)?.delete(namespace);
      if (this.owned.get(from)?.size === 0) this.owned.delete(from);
    }
    if (to === undefined) this.owners.delete(namespace);
    else {
      this.owners.set(namespace, to);
      this.owned.set(to, (this.owned.get(to) ?? new Set()).add(namespace));
    }
    return [{ namespace, from, to }];
  }
}
