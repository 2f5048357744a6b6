import type { PodView } from '@corral/cluster';
import { DEPARTMENT_LABEL } from '@corral/policy';
import type { DecideOptions } from '../decide-options.js';
import { describeOwner, type PodContext } from '../pod-context.js';
import type { ClusterView, RuleInput } from '../rule-input.js';
import { fail, pass, type RuleResult } from '../verdict.js';

const RULE = 'department-isolation' as const;
/** The memo's kind for nodes dedicated to another department (keyed by that department). */
const DEDICATED = `${RULE}:dedicated` as const;

/**
 * Department isolation (DESIGN.md "Policy model"): a node dedicated to a department takes only its
 * pods; a dedicated department uses only its own nodes; a shared department and a pod with no
 * department use the shared pool too, but a department never joins a shared node that already runs
 * another department's pods. Nor does it join its own node while another department's pods still
 * run (or are assumed) there: the node was relabelled without draining, or a namespace moved to
 * another department; the node takes the department's pods again once those are gone. On a shared
 * node, a pending pod of another department nominated there by preemption, of the pod's priority or
 * higher, counts as running there (see nominatedOtherDepartment). A pod being deleted still counts
 * (unlike for spread): it runs on the node until it is gone. So do the pods of a namespace labelled
 * for a department no valid Department is served for (deleted, or invalid): they are still that
 * department's (isolationDepartmentOfNamespace). None of these can be fixed by preemption (the
 * extender never evicts another department's pods, and a nominated pod is not running), so every
 * refusal is unresolvable. Refusals are kept per request by what they name (RefusalMemo keys: a
 * department name, or `:`-prefixed, which no name contains; nodes dedicated to another department
 * under their own kind, keyed by that department), built by module-level functions: a hit allocates
 * nothing, and most of 500 nodes per call are hits.
 *
 * A pod on the node whose namespace the snapshot does not hold yet (pods and namespaces come from
 * two watches) is of an unknown department, never of none: the node is refused to every pod of a
 * department, its own node included, until the namespace arrives (see podOfUnknownDepartment). A pod
 * of no department mixes with any department and is not refused for it.
 */
export function departmentIsolation(input: RuleInput): RuleResult {
  return isolation(input, true);
}

/**
 * Department isolation for a pod whose priority is unknown (the bind of a pod this replica has not
 * seen): pods nominated to the node are left out, since whether they go first depends on that
 * priority (the filter that approved the node knew it).
 */
export function departmentIsolationOfUnknownPriority(input: RuleInput): RuleResult {
  return isolation(input, false);
}

function isolation(input: RuleInput, nominations: boolean): RuleResult {
  const { pod, node, cluster, memo, options } = input;
  const owner = node.department;
  if (owner !== undefined) {
    if (owner === pod.department) return ownNode(input, owner);
    return memo.refusal(DEDICATED, owner, dedicatedTo, pod);
  }
  if (pod.department === undefined) return pass(RULE);
  if (pod.isolation === 'dedicated') {
    return memo.refusal(RULE, ':shared-pool', inSharedPool, pod.department);
  }
  const other = otherDepartmentOn(cluster.placements.departmentsOnNode(node.name), pod.department);
  if (other !== undefined) return memo.refusal(RULE, other, runsOtherDepartment, cluster);
  const unknown = podOfUnknownDepartment(node.name, cluster, options);
  if (unknown !== undefined) return unknownRefusal(memo, unknown);
  const nominated = nominations ? nominatedOtherDepartment(pod, node.name, cluster) : undefined;
  if (nominated === undefined) return pass(RULE);
  return memo.refusal(RULE, `:nominated:${nominated.department}:${nominated.priority}`, () =>
    nominatedForOther(nominated),
  );
}

/**
 * The department's own node: it passes unless another department's pods still run there, or pods
 * of an unknown department.
 */
function ownNode({ node, cluster, memo, options }: RuleInput, owner: string): RuleResult {
  const other = otherDepartmentOn(cluster.placements.departmentsOnNode(node.name), owner);
  if (other === undefined) {
    const unknown = podOfUnknownDepartment(node.name, cluster, options);
    return unknown === undefined ? pass(RULE) : unknownRefusal(memo, unknown);
  }
  return memo.refusal(RULE, `:own-node-runs:${other}`, () =>
    fail(
      RULE,
      `node is dedicated to department ${owner} but still runs pods of department ${other} ` +
        '(relabelled without draining, or a namespace moved); it takes no pods until they are gone',
      true,
    ),
  );
}

/**
 * Department isolation on a node the snapshot does not hold yet (bind after a full-mode filter of a
 * new node): its labels are unknown, but the pods known there (assumed ones, mostly) still must not
 * be of another department, nor of an unknown one. Only a pod with a department is checked, as on a
 * shared node.
 */
export function departmentIsolationUnseen(
  pod: PodContext,
  nodeName: string,
  cluster: ClusterView,
  options: Pick<DecideOptions, 'systemNamespaces'>,
  /** False for a pod whose priority is unknown (see departmentIsolationOfUnknownPriority). */
  nominations = true,
): RuleResult {
  if (pod.department === undefined) return pass(RULE);
  const other = otherDepartmentOn(cluster.placements.departmentsOnNode(nodeName), pod.department);
  if (other !== undefined) return runsOtherDepartment(cluster, other);
  const unknown = podOfUnknownDepartment(nodeName, cluster, options);
  if (unknown !== undefined) return runsUnknownDepartment(unknown);
  const nominated = nominations ? nominatedOtherDepartment(pod, nodeName, cluster) : undefined;
  return nominated === undefined ? pass(RULE) : nominatedForOther(nominated);
}

interface Nomination {
  readonly department: string;
  readonly priority: number;
}

/**
 * A pending pod of another department nominated to the node (kube-scheduler's preemption evicted
 * pods there for it) whose priority is at least the pod's: as kube-scheduler's own filters do
 * (RunFilterPluginsWithNominatedPods), it counts as running there already, else a lower-priority pod
 * of another department could take the node first and the eviction would have been for nothing. A
 * nominated pod of lower priority, of the pod's department or of none, and the pod itself, do not.
 * Most nodes have no nominated pod: one map read.
 */
function nominatedOtherDepartment(
  pod: PodContext,
  node: string,
  cluster: ClusterView,
): Nomination | undefined {
  const nominated = cluster.placements.nominatedTo(node);
  if (nominated.size === 0) return undefined;
  const priority = pod.pod.priority ?? 0;
  for (const [key, other] of nominated) {
    const otherPriority = other.priority ?? 0;
    if (otherPriority < priority || isSelf(pod, key, other)) continue;
    const department = cluster.snapshot.isolationDepartmentOfNamespace(other.namespace);
    if (department !== undefined && department !== pod.department)
      return { department, priority: otherPriority };
  }
  return undefined;
}

/** The same pod: same UID, or the same `namespace/name` when either UID is unknown. */
function isSelf(pod: PodContext, key: string, other: PodView): boolean {
  return pod.pod.uid !== '' && other.uid !== '' ? pod.pod.uid === other.uid : pod.key === key;
}

const nominatedForOther = ({ department, priority }: Nomination) =>
  fail(
    RULE,
    `node is nominated for a pod of department ${department} (priority ${priority}) preempting ` +
      'there, and shared nodes never mix departments',
    true,
  );

const dedicatedTo = (pod: PodContext, owner: string) =>
  fail(
    RULE,
    `node is dedicated to department ${owner}; pods of ${describeOwner(pod)} cannot run there`,
    true,
  );

const inSharedPool = (department: string) =>
  fail(
    RULE,
    `department ${department} is dedicated: its pods run only on nodes labelled ` +
      `${DEPARTMENT_LABEL}=${department}, and this node is in the shared pool`,
    true,
  );

/**
 * A shared node running another department's pods. That department may have no valid Department
 * any more (deleted, or never valid): its namespaces' pods still run, and still hold the node (see
 * isolationDepartmentOfNamespace); the message says so, as the admin reading it must restore it.
 */
function runsOtherDepartment(cluster: ClusterView, other: string): RuleResult {
  const unserved =
    cluster.snapshot.department(other) === undefined
      ? ` (namespaces labelled ${DEPARTMENT_LABEL}=${other}, for which no valid Department is served)`
      : '';
  return fail(
    RULE,
    `node runs pods of department ${other}${unserved}, and shared nodes never mix departments`,
    true,
  );
}

/**
 * A pod on the node of a namespace the snapshot does not hold yet, other than a system namespace
 * (of no department): its department is unknown, and guessing none could put two departments on one
 * node once the namespace arrives (as preempt refuses such a victim). Undefined for most nodes after
 * one map read; else the node's pods are read (at most a kubelet's maxPods), never all pods.
 */
function podOfUnknownDepartment(
  node: string,
  cluster: ClusterView,
  { systemNamespaces }: Pick<DecideOptions, 'systemNamespaces'>,
): PodView | undefined {
  const unknown = cluster.placements.unknownNamespacesOnNode(node);
  if (unknown.size === 0) return undefined;
  for (const namespace of unknown.keys()) {
    if (systemNamespaces.has(namespace)) continue;
    for (const pod of cluster.placements.podsOnNode(node).values())
      if (pod.namespace === namespace) return pod;
  }
  return undefined;
}

/** The refusal for a node running `pod` of an unknown department, kept per pod (a rare case). */
const unknownRefusal = (memo: RuleInput['memo'], pod: PodView): RuleResult =>
  memo.refusal(RULE, `:unknown:${pod.namespace}/${pod.name}`, runsUnknownDepartment, pod);

/** Unresolvable: no preemption evicts a pod of an unknown department (see preempt's foreignVictim). */
const runsUnknownDepartment = (pod: PodView): RuleResult =>
  fail(
    RULE,
    `node runs pod ${pod.name} of namespace ${pod.namespace}, which Corral's cache does not hold yet; ` +
      'retry shortly',
    true,
  );

function otherDepartmentOn(counts: ReadonlyMap<string, number>, own: string): string | undefined {
  for (const department of counts.keys()) if (department !== own) return department;
  return undefined;
}
