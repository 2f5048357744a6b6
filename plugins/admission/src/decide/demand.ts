import { podResources, podUsage, pvcUsage, toPvcView, type Usage } from '@corral/cluster';
import { commonPodUsage } from './pod-demand.js';
import { asObject } from './pod-spec.js';

export type Demanded = { ok: true; usage: Usage } | { ok: false; message: string };

/** Fills in a name when the object has none yet (generateName), so the views accept it. */
function named(object: unknown, namespace: string): Record<string, unknown> {
  const copy = { ...(asObject(object) ?? {}) };
  const metadata = asObject(copy['metadata']) ?? {};
  copy['metadata'] = { ...metadata, namespace, name: metadata['name'] || 'new-object' };
  return copy;
}

const explain = (problems: readonly { field: string; message: string }[]): string =>
  problems.map((p) => `${p.field}: ${p.message}`).join('; ');

/**
 * What a new pod or claim adds to quota usage, with the same rules the snapshot counts existing ones by
 * (@corral/cluster podResources and podUsage: effective pod requests, overhead; pvcUsage: storage and
 * counts). A pod being created is never terminal, and only its resources count, so it is read straight
 * from its spec rather than through a full PodView.
 */
export function demandOf(
  kind: 'Pod' | 'PersistentVolumeClaim',
  object: unknown,
  namespace: string,
): Demanded {
  if (kind === 'Pod') {
    const spec = asObject(asObject(object)?.['spec']);
    const common = commonPodUsage(spec);
    if (common !== undefined) return { ok: true, usage: common };
    const errors: { field: string; message: string }[] = [];
    const { requests, limits } = podResources(spec, errors);
    return errors.length === 0
      ? { ok: true, usage: podUsage({ terminal: false, requests, limits }) }
      : { ok: false, message: explain(errors) };
  }
  const view = toPvcView(named(object, namespace), 'admission');
  return view.ok ? { ok: true, usage: pvcUsage(view.value) } : { ok: false, message: explain(view.problems) };
}
