import { describeProblem, type Department, type NamespacePolicy, type PolicyProblem } from '@corral/policy';
import type { ReplaceSession, SnapshotSink, WatchedKind } from '../sink.js';
import type { Usage } from '../usage/usage.js';
import type { NamespaceView } from '../views/namespace-view.js';
import type { NodeView } from '../views/node-view.js';
import { objectKey, readRef, refKey, unnamedProblem } from '../views/object-ref.js';
import type { PodView } from '../views/pod-view.js';
import type { PvcView } from '../views/pvc-view.js';
import { isCoreKind, toView, type KindView } from '../views/to-view.js';
import { DEFAULT_GPU_RESOURCES, type ViewOptions } from '../views/view-options.js';
import { oldestFirst } from './by-age.js';
import type { AppliedListener, ChangeListener, ClusterSnapshot } from './cluster-snapshot.js';
import type { DomainQuery } from './domain-index.js';
import { ClusterState } from './cluster-state.js';
import { DEFAULT_POLICY_CHECKS } from './default-policy-checks.js';
import { DeletionDeadlines } from './deletion-deadlines.js';
import type { InvalidPolicy, PolicyKind } from './invalid-policy.js';
import type { PolicyChecks } from './policy-checks.js';
import { PolicyGate, type PolicyChange, type PolicyOffer } from './policy-gate.js';
import { ProblemBook } from './problem-book.js';
import { ServedPolicies } from './served-policies.js';
import { ValidityTracker, type ValidityListener } from './validity-changes.js';

export interface SnapshotStoreOptions {
  /** GPU resource names (default ['nvidia.com/gpu']). */
  readonly gpuResources?: readonly string[];
  /**
   * Namespaces that are never any department's, whatever their labels (kube-system, Corral's own;
   * default DEFAULT_SYSTEM_NAMESPACES): their pods count in no department's usage or nodes.
   */
  readonly systemNamespaces?: readonly string[];
  /** Policy validation; defaults to @corral/policy's. */
  readonly policyChecks?: PolicyChecks;
  /** Called when a listener (onChange, onApplied) throws; the store itself never logs. */
  readonly onListenerError?: (error: unknown) => void;
}

/** The system namespaces of a default install (the services' `--system-namespaces` default). */
export const DEFAULT_SYSTEM_NAMESPACES: readonly string[] = Object.freeze(['kube-system', 'corral-system']);

/**
 * The cluster snapshot, fed by a source through SnapshotSink. Every sink call is applied
 * incrementally; an object that cannot be read, or a policy object that is invalid or conflicts,
 * is reported in problems() and not applied, so the last good version keeps serving.
 */
export class SnapshotStore implements SnapshotSink, ClusterSnapshot {
  private currentRevision = 0;
  private readonly options: ViewOptions;
  private readonly checks: PolicyChecks;
  private readonly state: ClusterState;
  private readonly gate: PolicyGate;
  private readonly served: ServedPolicies;
  private readonly book = new ProblemBook();
  private readonly listeners = new Set<ChangeListener>();
  private readonly appliedListeners = new Set<AppliedListener>();
  private readonly validity = new ValidityTracker((error) => this.storeOptions.onListenerError?.(error));
  private readonly deadlines = new DeletionDeadlines((key) => this.deadlinePassed(key));
  private readonly system: readonly string[];

  constructor(private readonly storeOptions: SnapshotStoreOptions = {}) {
    this.options = { gpuResources: storeOptions.gpuResources ?? DEFAULT_GPU_RESOURCES };
    this.checks = storeOptions.policyChecks ?? DEFAULT_POLICY_CHECKS;
    const compare = this.checks.compareByAge;
    this.system = Object.freeze([...(storeOptions.systemNamespaces ?? DEFAULT_SYSTEM_NAMESPACES)]);
    this.state = new ClusterState((claimants) => [...claimants].sort(compare)[0], new Set(this.system));
    this.served = new ServedPolicies(this.checks);
    this.gate = new PolicyGate(this.checks, () => [...this.state.namespaces.values()]);
  }

  get revision(): number {
    return this.currentRevision;
  }

  replaceAll(kind: WatchedKind, items: readonly unknown[], origin: string): void {
    const before = this.currentRevision;
    const ordered = isCoreKind(kind) ? items : oldestFirst(items);
    const keep = new Set(ordered.flatMap((item) => readRefKey(kind, item) ?? []));
    this.book.resetKind(kind, keep);
    if (!isCoreKind(kind)) this.gate.keepOnly(kind, keep);
    for (const key of this.heldKeys(kind)) {
      if (!keep.has(key)) this.removeKey(kind, key);
    }
    if (isCoreKind(kind)) for (const item of ordered) this.apply(kind, item, origin);
    else this.applyPolicyChanges(this.gate.offer(kind, this.policyOffers(kind, ordered, origin)));
    this.notify(kind, before);
  }

  /**
   * A list in pages. Core kinds apply page by page (only views are kept, never the raw list);
   * policy kinds are few and need the whole list at once (oldest first), so they are collected.
   */
  beginReplace(kind: WatchedKind, origin: string): ReplaceSession {
    if (!isCoreKind(kind)) {
      const items: unknown[] = [];
      return {
        page: (page) => {
          for (const item of page) items.push(item);
        },
        end: () => this.replaceAll(kind, items, origin),
      };
    }
    const seen = new Set<string>();
    this.book.forgetUnnamed(kind);
    return {
      page: (page) => {
        const before = this.currentRevision;
        for (const item of page) {
          const key = readRefKey(kind, item);
          if (key !== undefined) seen.add(key);
          this.apply(kind, item, origin);
        }
        this.notify(kind, before);
      },
      end: () => {
        const before = this.currentRevision;
        this.book.keepOnly(kind, seen);
        for (const key of this.heldKeys(kind)) if (!seen.has(key)) this.removeKey(kind, key);
        this.notify(kind, before);
      },
    };
  }

  upsert(kind: WatchedKind, item: unknown, origin: string): void {
    const before = this.currentRevision;
    this.apply(kind, item, origin);
    this.notify(kind, before);
  }

  remove(kind: WatchedKind, item: unknown, origin: string): void {
    const before = this.currentRevision;
    const key = readRefKey(kind, item);
    if (key === undefined) this.book.addUnnamed(kind, unnamedProblem(kind, origin));
    else this.removeKey(kind, key);
    this.notify(kind, before);
  }

  onChange(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onApplied(listener: AppliedListener): () => void {
    this.appliedListeners.add(listener);
    return () => this.appliedListeners.delete(listener);
  }

  onPolicyValidity(listener: ValidityListener): () => void {
    return this.validity.listen(listener);
  }

  invalidPolicies(): readonly InvalidPolicy[] {
    return this.validity.current();
  }

  problems(): readonly PolicyProblem[] {
    const unique = new Map<string, PolicyProblem>();
    for (const problem of [...this.book.all(), ...this.gate.problems()])
      unique.set(describeProblem(problem), problem);
    return [...unique.values()];
  }

  node(name: string): NodeView | undefined {
    return this.state.nodes.get(name);
  }
  nodes(): Iterable<NodeView> {
    return this.state.nodes.values();
  }
  namespace(name: string): NamespaceView | undefined {
    return this.state.namespaces.get(name);
  }
  namespaces(): Iterable<NamespaceView> {
    return this.state.namespaces.values();
  }
  pod(namespace: string, name: string): PodView | undefined {
    return this.state.pods.get(namespace, name);
  }
  podsOnNode(node: string): ReadonlyMap<string, PodView> {
    return this.state.placement.podsOnNode(node);
  }
  podsNominatedTo(node: string): ReadonlyMap<string, PodView> {
    return this.state.nominations.podsNominatedTo(node);
  }
  pvc(namespace: string, name: string): PvcView | undefined {
    return this.state.pvcs.get(objectKey(namespace, name));
  }
  department(name: string): Department | undefined {
    return this.served.departments.get(name);
  }
  departments(): Iterable<Department> {
    return this.served.departments.values();
  }
  namespacePolicy(namespace: string): NamespacePolicy | undefined {
    return this.served.byNamespace.get(namespace);
  }
  departmentOfNamespace(namespace: string): string | undefined {
    return this.state.claims.departmentOf(namespace);
  }
  isolationDepartmentOfNamespace(namespace: string): string | undefined {
    return this.state.claims.isolationDepartmentOf(namespace);
  }
  namespacesOfDepartment(department: string): ReadonlySet<string> {
    return this.state.claims.namespacesOf(department);
  }
  systemNamespaces(): readonly string[] {
    return this.system;
  }
  departmentsOnNode(node: string): ReadonlyMap<string, number> {
    return this.state.placement.departmentsOnNode(node);
  }
  unknownNamespacesOnNode(node: string): ReadonlyMap<string, number> {
    return this.state.placement.unknownNamespacesOnNode(node);
  }
  countPodsInDomain(query: DomainQuery): number {
    return this.state.domains.count(query);
  }
  usageOfNamespace(namespace: string): Usage {
    return this.state.usage.ofNamespace(namespace);
  }
  usageOfDepartment(department: string): Usage {
    return this.state.usage.ofDepartment(department);
  }

  private apply(kind: WatchedKind, item: unknown, origin: string): void {
    const ref = readRef(kind, item);
    if (!ref) return this.book.addUnnamed(kind, unnamedProblem(kind, origin));
    const key = refKey(ref);
    if (!isCoreKind(kind)) return this.applyPolicyChanges(this.gate.offer(kind, [{ item, origin, key }]));
    const result = toView(kind, item, origin, this.options);
    if (!result.ok) return this.book.set(kind, key, result.problems);
    this.book.clear(kind, key);
    const replaced = this.heldUid(kind, key);
    if (!this.state.put(this.heldView(key, result.value))) return;
    this.changed(kind);
    // Another object under the same name (deleted and created again while the watch was down, seen
    // at a relist): the earlier one is gone, as its DELETED event would have said.
    const uid = 'uid' in result.value.view ? result.value.view.uid : undefined;
    if (replaced !== undefined && replaced !== uid) this.announce(kind, key, replaced);
    this.announce(kind, key);
  }

  /** The view to hold: a pod's is marked once past its deletion deadline, or waits for it. */
  private heldView(key: string, item: KindView): KindView {
    if (item.kind !== 'Pod') return item;
    const view = this.deadlines.track(key, item.view);
    return view === item.view ? item : { kind: 'Pod', view };
  }

  /**
   * A pod's deletion deadline passed, with no watch event: it is held again, marked, so usage stops
   * counting it; the change is published as any other.
   */
  private deadlinePassed(key: string): void {
    const pod = this.state.pods.byKey(key);
    if (pod === undefined) return;
    const before = this.currentRevision;
    if (this.state.put({ kind: 'Pod', view: this.deadlines.track(key, pod) })) {
      this.changed('Pod');
      this.announce('Pod', key);
    }
    this.notify('Pod', before);
  }

  /** The uid of the Pod or PersistentVolumeClaim held under `key`, if any. */
  private heldUid(kind: WatchedKind, key: string): string | undefined {
    if (kind === 'Pod') return this.state.pods.byKey(key)?.uid;
    return kind === 'PersistentVolumeClaim' ? this.state.pvcs.get(key)?.uid : undefined;
  }

  /** The nameable items of a policy list, oldest first; unnamed ones are reported. */
  private policyOffers(kind: WatchedKind, items: readonly unknown[], origin: string): PolicyOffer[] {
    return items.flatMap((item) => {
      const key = readRefKey(kind, item);
      if (key === undefined) this.book.addUnnamed(kind, unnamedProblem(kind, origin));
      return key === undefined ? [] : [{ item, origin, key }];
    });
  }

  private removeKey(kind: WatchedKind, key: string): void {
    this.book.clear(kind, key);
    if (!isCoreKind(kind)) return this.applyPolicyChanges(this.gate.withdraw(kind, key));
    if (kind === 'Pod') this.deadlines.cancel(key);
    const removed = this.heldUid(kind, key);
    if (!this.state.remove(kind, key)) return;
    this.changed(kind);
    if (removed !== undefined) this.announce(kind, key, removed);
  }

  private heldKeys(kind: WatchedKind): string[] {
    if (kind === 'Department') return [...this.gate.departments().keys()];
    if (kind === 'NamespacePolicy') return [...this.gate.policies().keys()];
    return [...this.state.keys(kind)];
  }

  private applyPolicyChanges(changes: readonly PolicyChange[]): void {
    if (changes.length === 0) return;
    const { put, removed } = this.served.update(
      this.gate.departments().values(),
      this.gate.policies().values(),
    );
    for (const name of removed) this.state.removeDepartment(name);
    for (const department of put) this.state.putDepartment(department);
    this.currentRevision += changes.length;
  }

  private isApplied(kind: PolicyKind, key: string): boolean {
    return (kind === 'Department' ? this.gate.departments() : this.gate.policies()).has(key);
  }

  private changed(kind: WatchedKind): void {
    this.currentRevision += 1;
    if (kind === 'Namespace') this.gate.invalidate();
  }

  /** Tells the onApplied listeners (none usually: then nothing is allocated). */
  private announce(kind: WatchedKind, key: string, removedUid?: string): void {
    if (this.appliedListeners.size === 0) return;
    const applied = removedUid === undefined ? { kind, key } : { kind, key, removedUid };
    for (const listener of this.appliedListeners) {
      try {
        listener(applied);
      } catch (error) {
        this.storeOptions.onListenerError?.(error);
      }
    }
  }

  private notify(kind: WatchedKind, before: number): void {
    if (!isCoreKind(kind)) this.validity.update(this.gate.invalid(), (k, key) => this.isApplied(k, key));
    if (this.currentRevision === before) return;
    const change = { revision: this.currentRevision, kind };
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (error) {
        this.storeOptions.onListenerError?.(error);
      }
    }
  }
}

function readRefKey(kind: WatchedKind, item: unknown): string | undefined {
  const ref = readRef(kind, item);
  return ref ? refKey(ref) : undefined;
}
