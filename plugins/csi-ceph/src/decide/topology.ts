/**
 * Node topology for NodeGetInfo: the segments are the node's values of the configured label keys
 * (`--topology-labels`, e.g. topology.kubernetes.io/zone). Keys the node does not carry are left out;
 * with no keys configured the driver reports no topology (RBD volumes of one Ceph cluster are reachable
 * from every node, so topology only matters when an admin wants zonal placement).
 */
export function topologySegments(
  labels: Readonly<Record<string, string>> | undefined,
  keys: readonly string[],
): Record<string, string> {
  const segments: Record<string, string> = {};
  for (const key of keys) {
    const value = labels?.[key];
    if (value !== undefined && value !== '') segments[key] = value;
  }
  return segments;
}
