import {
  describeProblem,
  isNamespaceClaimProblem,
  type Department,
  type NamespacePolicy,
  type PolicyProblem,
} from '@corral/policy';
import { objectKey } from '../views/object-ref.js';
import { toPlainJson } from '../views/raw.js';
import { deepEqual } from './deep-equal.js';
import {
  refusedCopyOf,
  type InvalidPolicy,
  type InvalidReason,
  type PolicyKind,
  type RefusedCopy,
} from './invalid-policy.js';
import type { NamespaceInfo, PolicyChecks, PolicySetInput } from './policy-checks.js';

export type { PolicyKind } from './invalid-policy.js';
type PolicyObject = Department | NamespacePolicy;

/** An applied policy object changed (before/after undefined: absent). */
export interface PolicyChange {
  readonly kind: PolicyKind;
  readonly key: string;
  readonly before: PolicyObject | undefined;
  readonly after: PolicyObject | undefined;
}

/** One raw policy object offered to the gate. */
export interface PolicyOffer {
  readonly item: unknown;
  readonly origin: string;
  readonly key: string;
}

interface Candidate {
  readonly kind: PolicyKind;
  readonly key: string;
  readonly value: PolicyObject;
}

/** Why the newest copy of an object is not applied. */
interface Rejection {
  readonly kind: PolicyKind;
  readonly key: string;
  readonly reason: InvalidReason;
  readonly problems: PolicyProblem[];
  readonly copy: RefusedCopy;
}

/**
 * Keeps the last good version of every policy object. A new version is applied only when it
 * validates on its own and brings no new cross-object problem naming it (checkPolicySet names the
 * loser of a conflict, oldest wins), other than a namespace claimed twice (settled per namespace);
 * otherwise its problems are reported and the previous version stays. A valid version held back by a conflict waits, and is applied as soon as another change
 * resolves the conflict. A batch (a full list) is checked as a whole, not object by object.
 */
export class PolicyGate {
  private readonly applied = {
    Department: new Map<string, Department>(),
    NamespacePolicy: new Map<string, NamespacePolicy>(),
  };
  private readonly waiting = new Map<string, Candidate>();
  private readonly rejected = new Map<string, Rejection>();
  private setProblems: PolicyProblem[] | undefined;

  constructor(
    private readonly checks: PolicyChecks,
    private readonly namespaces: () => readonly NamespaceInfo[],
  ) {}

  departments(): ReadonlyMap<string, Department> {
    return this.applied.Department;
  }

  policies(): ReadonlyMap<string, NamespacePolicy> {
    return this.applied.NamespacePolicy;
  }

  /** Namespaces changed: cross-object problems must be recomputed. */
  invalidate(): void {
    this.setProblems = undefined;
  }

  offer(kind: PolicyKind, offers: readonly PolicyOffer[]): PolicyChange[] {
    const candidates: Candidate[] = [];
    for (const { item, origin, key } of offers) {
      const plain = toPlainJson(item);
      const result =
        kind === 'Department'
          ? this.checks.validateDepartment(plain, origin)
          : this.checks.validateNamespacePolicy(plain, origin);
      if (result.ok) candidates.push({ kind, key, value: result.value });
      else {
        this.forget(kind, key);
        const copy = refusedCopyOf(plain);
        this.rejected.set(id(kind, key), {
          kind,
          key,
          reason: 'InvalidSpec',
          problems: result.problems,
          copy,
        });
      }
    }
    const changes = this.tryApply(candidates);
    return changes.length > 0 ? [...changes, ...this.retryWaiting()] : changes;
  }

  withdraw(kind: PolicyKind, key: string): PolicyChange[] {
    this.forget(kind, key);
    const before = this.applied[kind].get(key);
    if (!before) return [];
    this.applied[kind].delete(key);
    this.setProblems = undefined;
    return [{ kind, key, before, after: undefined }, ...this.retryWaiting()];
  }

  /** Drops the problems of an object that is no longer offered. */
  forget(kind: PolicyKind, key: string): void {
    this.rejected.delete(id(kind, key));
    this.waiting.delete(id(kind, key));
  }

  /**
   * A full list of kind holds only keys: the rejected and waiting objects of that kind not in it
   * were deleted meanwhile, so they are dropped (never applied later, never reported again).
   */
  keepOnly(kind: PolicyKind, keys: ReadonlySet<string>): void {
    const prefix = id(kind, '');
    for (const book of [this.rejected, this.waiting]) {
      for (const entry of [...book.keys()]) {
        if (entry.startsWith(prefix) && !keys.has(entry.slice(prefix.length))) book.delete(entry);
      }
    }
  }

  problems(): PolicyProblem[] {
    return [...[...this.rejected.values()].flatMap((r) => r.problems), ...this.currentProblems()];
  }

  /** The objects whose newest copy is refused (invalid, or held back by a conflict). */
  invalid(): InvalidPolicy[] {
    return [...this.rejected.values()].map(({ kind, key, reason, problems, copy }) => ({
      kind,
      ...nameOf(kind, key),
      reason,
      problems,
      lastValidKept: this.applied[kind].has(key),
      copy,
    }));
  }

  /** Applies the candidates that bring no new problem naming them; the others wait. */
  private tryApply(offered: readonly Candidate[]): PolicyChange[] {
    let pending = offered.filter((c) => {
      const unchanged = deepEqual(this.applied[c.kind].get(c.key), c.value);
      if (unchanged) this.forget(c.kind, c.key);
      return !unchanged;
    });
    while (pending.length > 0) {
      const baseline = new Set(this.currentProblems().map(describeProblem));
      const problems = this.checks.checkPolicySet(this.input(pending));
      const fresh = problems.filter((problem) => !baseline.has(describeProblem(problem)));
      const blamed = pending.filter((c) => this.holdBack(c, fresh));
      if (blamed.length === 0) return this.applyAll(pending, problems);
      pending = pending.filter((c) => !blamed.includes(c));
    }
    return [];
  }

  /**
   * Is the candidate held back by a fresh problem naming it? A namespace claimed by two departments
   * does not hold one back: the namespace goes to the oldest and each keeps its other namespaces
   * (resolveConflicts), both at the first list after a start and later, so that a restart never
   * leaves out a Department a running service kept.
   */
  private holdBack(candidate: Candidate, fresh: readonly PolicyProblem[]): boolean {
    const mine = fresh.filter(
      (p) =>
        p.kind === candidate.kind &&
        objectKey(p.namespace, p.name) === candidate.key &&
        !isNamespaceClaimProblem(p),
    );
    if (mine.length === 0) return false;
    const { kind, key, value } = candidate;
    this.rejected.set(id(kind, key), {
      kind,
      key,
      reason: 'Conflict',
      problems: mine,
      copy: refusedCopyOf(value),
    });
    this.waiting.set(id(candidate.kind, candidate.key), candidate);
    return true;
  }

  private applyAll(candidates: readonly Candidate[], problems: PolicyProblem[]): PolicyChange[] {
    this.setProblems = problems;
    return candidates.map(({ kind, key, value }) => {
      this.forget(kind, key);
      const before = this.applied[kind].get(key);
      (this.applied[kind] as Map<string, PolicyObject>).set(key, value);
      return { kind, key, before, after: value };
    });
  }

  private retryWaiting(): PolicyChange[] {
    const changes: PolicyChange[] = [];
    for (let progress = true; progress;) {
      progress = false;
      for (const candidate of [...this.waiting.values()]) {
        const applied = this.tryApply([candidate]);
        changes.push(...applied);
        progress ||= applied.length > 0;
      }
    }
    return changes;
  }

  private currentProblems(): PolicyProblem[] {
    this.setProblems ??= this.checks.checkPolicySet(this.input([]));
    return this.setProblems;
  }

  private input(candidates: readonly Candidate[]): PolicySetInput {
    const departments = new Map<string, PolicyObject>(this.applied.Department);
    const policies = new Map<string, PolicyObject>(this.applied.NamespacePolicy);
    for (const c of candidates) (c.kind === 'Department' ? departments : policies).set(c.key, c.value);
    return {
      departments: [...departments.values()] as Department[],
      policies: [...policies.values()] as NamespacePolicy[],
      namespaces: this.namespaces(),
    };
  }
}

/** Name and namespace back from a key (`namespace/name` for NamespacePolicies). */
function nameOf(kind: PolicyKind, key: string): { name: string; namespace?: string } {
  const slash = key.indexOf('/');
  if (kind === 'Department' || slash < 0) return { name: key };
  return { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

function id(kind: PolicyKind, key: string): string {
  return `${kind}:${key}`;
}
