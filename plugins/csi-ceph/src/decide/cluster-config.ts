/**
 * The cluster config, like ceph-csi's `config.json`: a JSON list of
 * `{clusterID, monitors: ["host:port", ...], rbd: {radosNamespace?, pools?}}`. `rbd.pools` is Corral's
 * addition: the pools ListVolumes walks (default: none but those already used by this process).
 */
export interface ClusterEntry {
  readonly clusterID: string;
  readonly monitors: readonly string[];
  readonly radosNamespace: string;
  readonly pools: readonly string[];
}

export type ClusterConfigResult =
  | { readonly ok: true; readonly clusters: ReadonlyMap<string, ClusterEntry> }
  | { readonly ok: false; readonly problems: readonly string[] };

const isStringArray = (v: unknown): v is string[] =>
  Array.isArray(v) && v.every((s) => typeof s === 'string' && s !== '');

function entryProblems(raw: Record<string, unknown>, at: string): string[] {
  const problems: string[] = [];
  if (typeof raw['clusterID'] !== 'string' || raw['clusterID'] === '')
    problems.push(`${at}: "clusterID" must be a non-empty string`);
  if (!isStringArray(raw['monitors']) || raw['monitors'].length === 0) {
    problems.push(`${at}: "monitors" must be a non-empty list of "host:port" strings`);
  }
  const rbd = raw['rbd'];
  if (rbd !== undefined && (typeof rbd !== 'object' || rbd === null || Array.isArray(rbd))) {
    problems.push(`${at}: "rbd" must be an object`);
  } else if (rbd !== undefined) {
    const ns = (rbd as Record<string, unknown>)['radosNamespace'];
    const pools = (rbd as Record<string, unknown>)['pools'];
    if (ns !== undefined && typeof ns !== 'string')
      problems.push(`${at}: "rbd.radosNamespace" must be a string`);
    if (pools !== undefined && !isStringArray(pools))
      problems.push(`${at}: "rbd.pools" must be a list of pool names`);
  }
  return problems;
}

/** Given the file's text (and its name for messages), returns the clusters by ID or every problem. */
export function parseClusterConfig(text: string, source: string): ClusterConfigResult {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    return { ok: false, problems: [`${source}: not JSON (${(err as Error).message})`] };
  }
  if (!Array.isArray(data)) return { ok: false, problems: [`${source}: must be a JSON list of clusters`] };
  const problems: string[] = [];
  const clusters = new Map<string, ClusterEntry>();
  data.forEach((item: unknown, i) => {
    const at = `${source}[${i}]`;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      problems.push(`${at}: must be an object`);
      return;
    }
    const raw = item as Record<string, unknown>;
    const found = entryProblems(raw, at);
    problems.push(...found);
    if (found.length > 0) return;
    const id = raw['clusterID'] as string;
    if (clusters.has(id)) problems.push(`${at}: clusterID "${id}" appears twice`);
    const rbd = (raw['rbd'] ?? {}) as { radosNamespace?: string; pools?: string[] };
    clusters.set(id, {
      clusterID: id,
      monitors: raw['monitors'] as string[],
      radosNamespace: rbd.radosNamespace ?? '',
      pools: rbd.pools ?? [],
    });
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, clusters };
}
