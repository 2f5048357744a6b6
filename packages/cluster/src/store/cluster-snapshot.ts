import type { Department, NamespacePolicy, PolicyProblem } from '@corral/policy';
import type { WatchedKind } from '../sink.js';
import type { DomainQuery } from './domain-index.js';
import type { InvalidPolicy } from './invalid-policy.js';
import type { ValidityListener } from './validity-changes.js';
import type { Usage } from '../usage/usage.js';
import type { NamespaceView } from '../views/namespace-view.js';
import type { NodeView } from '../views/node-view.js';
import type { PodView } from '../views/pod-view.js';
import type { PvcView } from '../views/pvc-view.js';

/** Sent after every sink call that changed the snapshot, and when a pod passes its deletionDeadline. */
export interface SnapshotChange {
  readonly revision: number;
  readonly kind: WatchedKind;
}

export type ChangeListener = (change: SnapshotChange) => void;

/**
 * One Node, Namespace, Pod or PersistentVolumeClaim that was just added to the snapshot or changed,
 * or a Pod or PersistentVolumeClaim just removed from it (`removedUid` set).
 */
export interface AppliedObject {
  readonly kind: WatchedKind;
  /** `namespace/name` (Pod, PersistentVolumeClaim) or `name` (Node, Namespace), as the lookups take it. */
  readonly key: string;
  /**
   * The uid of the Pod or PersistentVolumeClaim removed (deleted, gone at a relist, or replaced at a
   * relist by another object of the same name: then its own announcement follows); '' if it had none.
   */
  readonly removedUid?: string;
}

export type AppliedListener = (applied: AppliedObject) => void;

/**
 * The read-only cluster snapshot every service decides from. Lookups are index reads (no scans);
 * returned maps and sets are live views of the indexes: read them now, copy them to keep them.
 */
export interface ClusterSnapshot {
  /** Increments on every change. */
  readonly revision: number;
  node(name: string): NodeView | undefined;
  nodes(): Iterable<NodeView>;
  namespace(name: string): NamespaceView | undefined;
  namespaces(): Iterable<NamespaceView>;
  pod(namespace: string, name: string): PodView | undefined;
  /** Bound, non-terminal pods on a node (being deleted or not), keyed `namespace/name`. */
  podsOnNode(node: string): ReadonlyMap<string, PodView>;
  /**
   * Pending (unbound, non-terminal) pods whose status.nominatedNodeName is the node, keyed
   * `namespace/name`: preemption evicted pods there for them. Empty for most nodes.
   */
  podsNominatedTo(node: string): ReadonlyMap<string, PodView>;
  pvc(namespace: string, name: string): PvcView | undefined;
  /** Applied (last good) Departments. */
  department(name: string): Department | undefined;
  departments(): Iterable<Department>;
  /** The namespace's applied NamespacePolicy (the oldest, should there be several). */
  namespacePolicy(namespace: string): NamespacePolicy | undefined;
  /** The department owning a namespace (oldest claimant wins); undefined for none. */
  departmentOfNamespace(namespace: string): string | undefined;
  /**
   * The department whose nodes the namespace's pods hold, for department isolation: its owner
   * (departmentOfNamespace), else the department its corral.dev/department label names when no
   * valid Department of that name is served (deleted, or never valid): those pods still run, so
   * their nodes stay that department's. Undefined for none.
   */
  isolationDepartmentOfNamespace(namespace: string): string | undefined;
  namespacesOfDepartment(department: string): ReadonlySet<string>;
  /**
   * The namespaces that never join a department, whatever their labels and the selectors
   * (SnapshotStoreOptions.systemNamespaces: kube-system, Corral's own).
   */
  systemNamespaces(): readonly string[];
  /**
   * Department → number of its bound, non-terminal pods on the node, each pod under its namespace's
   * isolationDepartmentOfNamespace (a deleted Department's pods still count under its name).
   */
  departmentsOnNode(node: string): ReadonlyMap<string, number>;
  /**
   * Namespace → number of its bound, non-terminal pods on the node, for each namespace the snapshot
   * does not hold (yet: pods and namespaces come from two watches). Such pods are of an unknown
   * department, counted under none in departmentsOnNode. Empty for most nodes.
   */
  unknownNamespacesOnNode(node: string): ReadonlyMap<string, number>;
  /**
   * Bound, non-terminal pods not being deleted (no deletionTimestamp: countsForSpread) of
   * `namespace` labelled `labelKey=labelValue` on the nodes labelled `topologyKey=domain` (e.g.
   * pods with app=web in zone eu-1a): map reads, whatever the number of pods. The first question
   * about a (topologyKey, labelKey) pair builds that pair's counts once (one pass over the pods);
   * every change keeps them current from then on.
   */
  countPodsInDomain(query: DomainQuery): number;
  /** ResourceQuota key → nano-units (counts too: one pod is 1e9), non-terminal pods and all claims. */
  usageOfNamespace(namespace: string): Usage;
  usageOfDepartment(department: string): Usage;
  /** Every current problem: unreadable objects, invalid or conflicting policies. */
  problems(): readonly PolicyProblem[];
  /**
   * The policy objects whose newest copy is refused (invalid, or held back by a conflict), each with
   * its problems, whether its last valid copy keeps serving, and that copy's generation and status.
   */
  invalidPolicies(): readonly InvalidPolicy[];
  /**
   * Subscribes to refusals: told, synchronously, after a sink call that made a policy object
   * invalid, changed its refusal or its refused copy, or ended it (valid again or deleted); never
   * for a relist that changed nothing. Returns the unsubscribe function.
   */
  onPolicyValidity(listener: ValidityListener): () => void;
  /** Subscribes to changes; returns the unsubscribe function. Listeners run synchronously. */
  onChange(listener: ChangeListener): () => void;
  /**
   * Subscribes to single objects: told, synchronously, of each Node, Namespace, Pod or claim added or
   * changed (never for a no-op), as soon as the lookups return it and before that change's onChange
   * (e.g. the admission ledger ends the reservation of a pod the snapshot now counts). Policy objects
   * are not reported. Returns the unsubscribe function.
   */
  onApplied(listener: AppliedListener): () => void;
}
