import type { AssumedPod, AssumedPods } from '../decide/assumed-pods.js';
import { assumptionAfterReadBack, type PodReadBack } from '../decide/bind-read-back.js';
import { ExtenderError } from '../errors.js';
import type { BindingArgs } from './bind-envelope.js';

/** Reads a pod back after a bind of unknown outcome (Binder.readBack); undefined: nothing known. */
export type ReadBack = (args: BindingArgs) => Promise<PodReadBack | undefined>;

export interface AfterBindDeps {
  readonly assumed: AssumedPods;
  readonly now: () => number;
  /** Absent: an assumption after a bind of unknown outcome waits for the watch or its expiry. */
  readonly readBack?: ReadBack;
}

/**
 * After a failed binding call, its own assumption (a retry of the same pod may have replaced it
 * meanwhile: that one is left alone) stays while the call may have bound the pod (given up at its
 * timeout, a 5xx, or its answer lost: `outcomeUnknown`), and the pod is read back in the background
 * (see settleUnknownBind); moves to the node the API shows this very pod bound to (`boundTo`: an
 * earlier bind whose answer kube-scheduler never had went through, and this call's assumption
 * replaced the one it left there); else goes.
 */
export function afterFailedBind(
  deps: AfterBindDeps,
  assumption: AssumedPod,
  args: BindingArgs,
  error: unknown,
): void {
  const details = error instanceof ExtenderError ? error.details : undefined;
  if (details?.['outcomeUnknown'] === true) {
    if (deps.readBack) void settleUnknownBind(deps, deps.readBack, assumption, args);
    return;
  }
  const boundTo = details?.['boundTo'];
  if (typeof boundTo === 'string') moveAssumption(deps, assumption, boundTo);
  else deps.assumed.forget(assumption.key, assumption);
}

/**
 * Reads the pod back and applies what that means for the bind's own assumption
 * (assumptionAfterReadBack): kept while the pod is bound to the node, or when the read failed too
 * (until the watch tells or it expires); moved to the node the pod is bound to; else forgotten, so
 * that the node is free again for other departments long before the assumption would expire.
 */
export async function settleUnknownBind(
  deps: AfterBindDeps,
  readBack: ReadBack,
  assumption: AssumedPod,
  args: BindingArgs,
): Promise<void> {
  const pod = await readBack(args).catch(() => undefined);
  const decision = assumptionAfterReadBack(pod, { uid: args.podUid, node: args.node });
  if (decision.action === 'forget') deps.assumed.forget(assumption.key, assumption);
  else if (decision.action === 'move') moveAssumption(deps, assumption, decision.node);
}

/** Moves the assumption to `node`, if it is still this one (not a retry's, nor gone since). */
function moveAssumption(deps: AfterBindDeps, assumption: AssumedPod, node: string): void {
  const current = deps.assumed.get(assumption.key);
  if (current?.pod !== assumption.pod) return;
  const { key, department, seen, pod } = current;
  deps.assumed.assume({ key, department, seen, pod: { ...pod, nodeName: node } }, deps.now());
}
