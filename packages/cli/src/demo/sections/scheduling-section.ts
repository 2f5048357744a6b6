import { toPodView, type ClusterSnapshot } from '@corral/cluster';
import { kubeFilters, requestsOnNode } from '../decide/kube-filters.js';
import { groupRefusals } from '../decide/refusals.js';
import { objectName, type Json } from '../decide/review.js';
import type { StoredObjects } from '../effects/stored-objects.js';
import { postJson } from '../transport/http-json.js';
import type { ScheduleRow } from './report.js';

/**
 * kube-scheduler's part, pod by pod in creation order: its own filters (the stand-in in
 * decide/kube-filters.ts) over every node of the demo's cache, then the extender over HTTP in
 * names-only mode (`nodeCacheCapable: true`, what deploy/ ships): POST /scheduler/filter with the
 * surviving `NodeNames`, POST /scheduler/prioritize with those it kept, the best score wins (ties by
 * name: kube-scheduler would add its own scores). Binding is what the API server stand-in does: the pod
 * is stored with `spec.nodeName`, and every service reloads before the next pod, so later pods see
 * earlier placements.
 */
export interface Placement {
  readonly pod: Json;
  readonly node?: string;
}

const GPU_RESOURCES = ['nvidia.com/gpu'];

interface FilterAnswer {
  NodeNames: string[] | null;
  FailedNodes: Record<string, string>;
  FailedAndUnresolvableNodes: Record<string, string>;
  Error: string;
}

export async function runScheduling(
  pods: readonly Json[],
  extenderUrl: string,
  cache: ClusterSnapshot,
  stored: StoredObjects,
  signal?: AbortSignal,
): Promise<{ rows: ScheduleRow[]; placements: Placement[] }> {
  const rows: ScheduleRow[] = [];
  const placements: Placement[] = [];
  for (const pod of pods) {
    signal?.throwIfAborted();
    const row = await schedule(pod, extenderUrl, cache);
    rows.push(row);
    placements.push(row.chosen ? { pod, node: row.chosen } : { pod });
    if (row.chosen) {
      stored.bind(pod, row.chosen);
      await stored.save();
    }
  }
  return { rows, placements };
}

async function schedule(pod: Json, extenderUrl: string, cache: ClusterSnapshot): Promise<ScheduleRow> {
  const view = toPodView(pod, 'the demo', { gpuResources: GPU_RESOURCES });
  if (!view.ok) throw new Error(`pod ${objectName(pod)} cannot be read: ${JSON.stringify(view.problems)}`);
  const nodes = [...cache.nodes()].sort((a, b) => a.name.localeCompare(b.name));
  const spec = (pod['spec'] as Json | undefined) ?? {};
  const kube = kubeFilters(spec, view.value, nodes, (node) =>
    requestsOnNode(cache.podsOnNode(node).values()),
  );
  const candidates = kube.filter((v) => v.reasons.length === 0).map((v) => v.node);
  const kubeRefusals = groupRefusals(
    Object.fromEntries(kube.filter((v) => v.reasons.length > 0).map((v) => [v.node, v.reasons])),
  );
  const base = { pod: objectName(pod), nodes: nodes.length, afterKube: candidates.length, kubeRefusals };
  // kube-scheduler calls no extender when its own filters left no node.
  if (candidates.length === 0) return { ...base, afterExtender: 0, extenderRefusals: [] };
  const filtered = await post<FilterAnswer>(`${extenderUrl}/scheduler/filter`, {
    Pod: pod,
    NodeNames: candidates,
  });
  if (filtered.Error) throw new Error(`the extender could not filter ${objectName(pod)}: ${filtered.Error}`);
  const passing = filtered.NodeNames ?? [];
  const extenderRefusals = groupRefusals({ ...filtered.FailedNodes, ...filtered.FailedAndUnresolvableNodes });
  const row = { ...base, afterExtender: passing.length, extenderRefusals };
  if (passing.length === 0) return row;
  const scores = await post<{ Host: string; Score: number }[]>(`${extenderUrl}/scheduler/prioritize`, {
    Pod: pod,
    NodeNames: passing,
  });
  const best = [...scores].sort((a, b) => b.Score - a.Score || a.Host.localeCompare(b.Host))[0];
  return best ? { ...row, chosen: best.Host, score: best.Score } : row;
}

async function post<T>(url: string, body: unknown): Promise<T> {
  const reply = await postJson(url, body);
  if (reply.status !== 200)
    throw new Error(`POST ${url}: HTTP ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body as T;
}
