import type { NamespacePolicy } from '@corral/policy';
import { deepFrozen } from './frozen-values.js';
import { asObject, type JsonObject } from './pod-spec.js';

type Wanted = readonly string[];

/**
 * Per policy list (the snapshot's policies are immutable): its names once each, and as a pull list
 * (`{ name }` entries in the same order).
 */
const lists = new WeakMap<Wanted, { names: readonly string[]; bare: readonly unknown[] }>();

function listOf(wanted: Wanted) {
  let list = lists.get(wanted);
  if (list === undefined) {
    const names = [...new Set(wanted)];
    list = { names, bare: deepFrozen(names.map((name) => ({ name }))) };
    lists.set(wanted, list);
  }
  return list;
}

/**
 * Adds the namespace's pull secrets to `imagePullSecrets`, each once, keeping the user's. A pod with
 * none gets the policy's list (shared, deep-frozen); a pod that has them all is left as it is.
 */
export function applyPullSecrets(spec: JsonObject, policy: NamespacePolicy | undefined): void {
  const wanted = policy?.spec.images?.pullSecrets;
  if (wanted === undefined || wanted.length === 0) return;
  const { names, bare } = listOf(wanted);
  const current = spec['imagePullSecrets'];
  if (!Array.isArray(current)) {
    spec['imagePullSecrets'] = bare;
    return;
  }
  let next: unknown[] | undefined;
  names.forEach((name, index) => {
    if (!(current as unknown[]).some((item) => asObject(item)?.['name'] === name))
      (next ??= [...current]).push(bare[index]);
  });
  if (next) spec['imagePullSecrets'] = next;
}
