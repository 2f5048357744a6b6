import type { ClusterSnapshot, PodView } from '@corral/cluster';
import { samePod, type AssumedPods } from '../decide/assumed-pods.js';
import { bindRefusal } from '../decide/bind-recheck.js';
import type { PodReadBack } from '../decide/bind-read-back.js';
import type { DecideOptions } from '../decide/decide-options.js';
import { podContext, type PodContext } from '../decide/pod-context.js';
import type { ClusterView } from '../decide/rule-input.js';
import { badRequest, EXT_ERR, ExtenderError, notSynced, toWireMessage } from '../errors.js';
import {
  bindingResult,
  readBindingArgs,
  type BindingArgs,
  type ExtenderBindingResult,
} from './bind-envelope.js';
import { afterFailedBind } from './after-failed-bind.js';
import type { Answer, AnswerLog } from './answer.js';
import type { FilteredNodes } from './filtered-nodes.js';
import type { FilteredPods } from './filtered-pods.js';
import { unknownOwnerOf } from './request-pod.js';
import type { SyncState } from './sync-state.js';

/** Creates `pods/binding` (effects/ implements it; injected so transport never imports effects). */
export interface Binder {
  bind(args: BindingArgs): Promise<void>;
  /**
   * After a bind of unknown outcome: the pod as the API now holds it, undefined when that could not
   * be read. Absent: the assumption waits for the watch or its expiry.
   */
  readBack?(args: BindingArgs): Promise<PodReadBack | undefined>;
}

export interface BindDeps {
  readonly snapshot: ClusterSnapshot;
  readonly cluster: ClusterView;
  readonly options: DecideOptions;
  readonly assumed: AssumedPods;
  readonly filtered: FilteredPods;
  /** Node objects full-mode filters were sent (absent in tests of names-only mode). */
  readonly filteredNodes?: FilteredNodes;
  /** Not synced: bind answers EXT_ERR_NOT_SYNCED, as filter does (its re-check needs the snapshot). */
  readonly sync: SyncState;
  readonly now: () => number;
  /** Absent: bind is disabled and answers an Error. */
  readonly binder?: Binder;
}

/**
 * The bind verb. kube-scheduler binds asynchronously, so another pod's filter may already have run
 * against the same node since this pod's: the node is checked again against the current snapshot
 * and assumed pods (a refusal sends the pod back to kube-scheduler's queue). Then the pod is assumed
 * on the node (every later decision counts it there) before the API call, and forgotten if the call
 * fails without binding it, or if a read-back after a call of unknown outcome shows it did not (see
 * afterFailedBind); the watch confirms it, or the assumption expires.
 * Like filter, it binds nothing while the snapshot is not synced (EXT_ERR_NOT_SYNCED:
 * kube-scheduler schedules the pod again), nor while the pod's department cannot be known
 * (EXT_ERR_UNKNOWN_NAMESPACE or _DEPARTMENT, see unknownOwnerOf).
 */
export async function bindPod(deps: BindDeps, body: unknown): Promise<Answer<ExtenderBindingResult>> {
  let log: AnswerLog = {};
  try {
    const args = readBindingArgs(body);
    if (!args.ok) throw badRequest(args.error);
    const { podNamespace, podName, node } = args.value;
    const key = `${podNamespace}/${podName}`;
    log = { pod: key, node };
    if (!deps.binder)
      throw new ExtenderError(EXT_ERR.BIND_DISABLED, 'bind is not enabled on this extender (--bind)');
    const pending = deps.sync.pending();
    if (pending.length > 0) throw notSynced(pending);
    const unknown = unknownOwnerOf(podNamespace, deps.snapshot, deps.options);
    if (unknown) throw unknown;
    deps.assumed.settle(deps.snapshot, deps.now());
    const known = podToBind(deps, args.value);
    if (!known) refuseOtherUid(deps, args.value);
    const context = podContext(known ?? unknownPod(args.value), deps.snapshot);
    // A pod this replica has not seen (filtered by another replica) is checked for department
    // isolation alone: its namespace is known, its labels and requests are not.
    recheck(deps, context, node, known !== undefined);
    const assumption = deps.assumed.assume(
      {
        key,
        pod: { ...context.pod, nodeName: node },
        department: context.department,
        seen: samePod(deps.snapshot.pod(podNamespace, podName), context) !== undefined,
      },
      deps.now(),
    );
    try {
      await deps.binder.bind(args.value);
    } catch (error) {
      const readBack = deps.binder.readBack?.bind(deps.binder);
      afterFailedBind({ ...deps, ...(readBack ? { readBack } : {}) }, assumption, args.value, error);
      throw error;
    }
    return { body: bindingResult(), log: { ...log, assumed: deps.assumed.size } };
  } catch (error) {
    return { body: bindingResult(toWireMessage(error)), log, error };
  }
}

/**
 * The pod as the filter saw it, else as the snapshot holds it (same UID in both cases: an older pod
 * of the same name is another pod); undefined if neither.
 */
function podToBind(deps: BindDeps, args: BindingArgs): PodView | undefined {
  const sameUid = (pod: PodView) => args.podUid === '' || pod.uid === '' || pod.uid === args.podUid;
  const filtered = deps.filtered.get(`${args.podNamespace}/${args.podName}`);
  if (filtered && sameUid(filtered)) return filtered;
  const current = deps.snapshot.pod(args.podNamespace, args.podName);
  return current && sameUid(current) ? current : undefined;
}

/**
 * Refuses the bind of a pod whose UID is not the one of the pod of that name that this replica knows
 * (filtered or in the snapshot): most likely a late call for a pod deleted since, whose binding the
 * API would refuse anyway, and which must not take the place of the current pod's assumption.
 * kube-scheduler schedules the pod again if it still exists.
 */
function refuseOtherUid(deps: BindDeps, args: BindingArgs): void {
  if (args.podUid === '') return;
  const key = `${args.podNamespace}/${args.podName}`;
  const other = deps.filtered.get(key) ?? deps.snapshot.pod(args.podNamespace, args.podName);
  if (other === undefined || other.uid === '' || other.uid === args.podUid) return;
  throw new ExtenderError(
    EXT_ERR.BIND_REFUSED,
    `pod ${key} with uid ${args.podUid} is not the pod of that name Corral knows (uid ${other.uid}); ` +
      'kube-scheduler schedules it again if it still exists',
  );
}

/**
 * A pod neither the filter nor the watch has shown: only its namespace (hence its department) is
 * known. Its node is checked for department isolation only (the filter approved it), and it is
 * assumed with no labels and no requests, which still keeps other departments off a shared node.
 */
function unknownPod(args: BindingArgs): PodView {
  return {
    uid: args.podUid,
    namespace: args.podNamespace,
    name: args.podName,
    phase: 'Pending',
    labels: {},
    terminal: false,
    requests: new Map(),
    limits: new Map(),
    carriesGpuRequest: false,
  };
}

/**
 * Throws EXT_ERR_BIND_REFUSED when the node no longer fits the pod (see bindRefusal): judged by the
 * snapshot's view and by the Node object the pod's full-mode filter, or a later one, was sent.
 */
function recheck(deps: BindDeps, pod: PodContext, node: string, known: boolean): void {
  const held = deps.snapshot.node(node);
  const sent = deps.filteredNodes?.sentFor(pod.key, node);
  const target = { name: node, ...(held ? { held } : {}), ...(sent ? { sent } : {}) };
  const reason = bindRefusal(pod, target, deps.cluster, deps.options, known);
  if (reason === undefined) return;
  throw new ExtenderError(
    EXT_ERR.BIND_REFUSED,
    `node ${node} no longer fits pod ${pod.key} (${reason}); kube-scheduler schedules it again`,
  );
}
