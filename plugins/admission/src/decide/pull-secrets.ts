import type { NamespacePolicy } from '@corral/policy';
import { asObject, type JsonObject } from './pod-spec.js';

/** Adds the namespace's pull secrets to `imagePullSecrets`, each once, keeping the user's. */
export function applyPullSecrets(spec: JsonObject, policy: NamespacePolicy | undefined): void {
  const wanted = policy?.spec.images?.pullSecrets ?? [];
  if (wanted.length === 0) return;
  const current = Array.isArray(spec['imagePullSecrets']) ? [...(spec['imagePullSecrets'] as unknown[])] : [];
  const names = new Set(current.map((item) => asObject(item)?.['name']));
  for (const name of wanted) {
    if (names.has(name)) continue;
    names.add(name);
    current.push({ name });
  }
  spec['imagePullSecrets'] = current;
}
