import { DEPARTMENT_LABEL, departmentClaimsNamespace, type Department, type Labels } from '@corral/policy';

/** A namespace changing department (undefined: none), as an owner or for isolation, or both. */
export interface NamespaceMove {
  readonly namespace: string;
  /** Its owner (departmentOf: usage, quota) before and after. */
  readonly from: string | undefined;
  readonly to: string | undefined;
  /** The department its pods hold nodes for (isolationDepartmentOf) before and after. */
  readonly isolationFrom: string | undefined;
  readonly isolationTo: string | undefined;
}

/** Among departments claiming one namespace, the one that gets it (oldest wins). */
export type PickOwner = (claimants: readonly Department[]) => Department | undefined;

const NO_NAMESPACES: ReadonlySet<string> = new Set();

/**
 * Which department owns each namespace. A namespace event evaluates every department's selector on
 * that namespace (departments are few); a Department event evaluates that department's selector on
 * every namespace. When several departments claim a namespace, `pickOwner` decides; the conflict
 * itself is reported by the policy checks.
 *
 * For department isolation a namespace no department owns but whose corral.dev/department label
 * names a department no valid Department is served for (deleted, or never valid) is still that
 * department's (isolationDepartmentOf): its pods keep running, so the nodes they run on must stay
 * closed to other departments. It owns no usage (no Department, no quota), and the extender refuses
 * its new pods (EXT_ERR_UNKNOWN_DEPARTMENT) until the Department is back.
 *
 * A system namespace (kube-system, Corral's own: `systemNamespaces`) is never any department's,
 * whatever its labels and the selectors say: the webhooks and the extender never act on it, so its
 * pods count in no department's usage and hold no department's nodes.
 */
export class ClaimIndex {
  private readonly departments = new Map<string, Department>();
  private readonly labels = new Map<string, Labels>();
  private readonly claimants = new Map<string, Set<string>>();
  private readonly owners = new Map<string, string>();
  private readonly owned = new Map<string, Set<string>>();
  /** Namespace → the unserved department its label names, for a namespace without owner. */
  private readonly orphans = new Map<string, string>();

  constructor(
    private readonly pickOwner: PickOwner,
    private readonly systemNamespaces: ReadonlySet<string> = NO_NAMESPACES,
  ) {}

  setNamespace(namespace: string, labels: Labels): NamespaceMove[] {
    this.labels.set(namespace, labels);
    const claim = new Set<string>();
    for (const department of this.departments.values()) {
      if (this.claims(department, namespace, labels)) claim.add(department.metadata.name);
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
      const claims = this.claims(department, namespace, labels);
      if (!claims && !claim?.has(name) && labels[DEPARTMENT_LABEL] !== name) continue;
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
      const claimed = claim.delete(name);
      if (claimed || this.labels.get(namespace)?.[DEPARTMENT_LABEL] === name)
        moves.push(...this.settle(namespace));
    }
    return moves;
  }

  departmentOf(namespace: string): string | undefined {
    return this.owners.get(namespace);
  }

  /**
   * The department whose nodes the namespace's pods hold, for department isolation: its owner, else
   * the department its corral.dev/department label names when no valid Department of that name is
   * served; undefined for none.
   */
  isolationDepartmentOf(namespace: string): string | undefined {
    return this.owners.get(namespace) ?? this.orphans.get(namespace);
  }

  namespacesOf(department: string): ReadonlySet<string> {
    return this.owned.get(department) ?? NO_NAMESPACES;
  }

  /** Does the department claim the namespace? Never a system namespace. */
  private claims(department: Department, namespace: string, labels: Labels): boolean {
    return !this.systemNamespaces.has(namespace) && departmentClaimsNamespace(department, labels);
  }

  private settle(namespace: string): NamespaceMove[] {
    const claim = [...(this.claimants.get(namespace) ?? [])].flatMap(
      (name) => this.departments.get(name) ?? [],
    );
    const to = claim.length === 0 ? undefined : this.pickOwner(claim)?.metadata.name;
    const from = this.owners.get(namespace);
    const isolationFrom = this.isolationDepartmentOf(namespace);
    const orphan = to === undefined ? this.unservedLabel(namespace) : undefined;
    if (orphan === undefined) this.orphans.delete(namespace);
    else this.orphans.set(namespace, orphan);
    const isolationTo = to ?? orphan;
    if (from === to && isolationFrom === isolationTo) return [];
    if (from !== to) this.moveOwner(namespace, from, to);
    return [{ namespace, from, to, isolationFrom, isolationTo }];
  }

  /** The department the namespace's label names if no valid Department of that name is served. */
  private unservedLabel(namespace: string): string | undefined {
    if (this.systemNamespaces.has(namespace)) return undefined;
    const named = this.labels.get(namespace)?.[DEPARTMENT_LABEL];
    return named && !this.departments.has(named) ? named : undefined;
  }

  private moveOwner(namespace: string, from: string | undefined, to: string | undefined): void {
    if (from !== undefined) {
      this.owned.get(from)?.delete(namespace);
      if (this.owned.get(from)?.size === 0) this.owned.delete(from);
    }
    if (to === undefined) this.owners.delete(namespace);
    else {
      this.owners.set(namespace, to);
      this.owned.set(to, (this.owned.get(to) ?? new Set()).add(namespace));
    }
  }
}
