/**
 * The check behind the CSI Probe. The livenessprobe sidecar calls Probe every few seconds, and a
 * failure restarts the container. Probe therefore reports the plugin's initialization, as the CSI
 * spec describes it: the Ceph libraries load and, with controller credentials, each cluster has
 * answered once. A cluster that has answered is not asked again. A later Ceph outage is not something
 * a restart of the controller fixes: the RPCs answer UNAVAILABLE then, and the sidecars retry.
 */
export function cephProbe(
  clusterIds: readonly string[],
  loadLibraries: () => void,
  /** Asks one cluster for its status (throws when it does not answer); undefined without credentials. */
  stat: ((clusterId: string) => Promise<void>) | undefined,
): () => Promise<void> {
  const answered = new Set<string>();
  return async () => {
    loadLibraries();
    if (stat === undefined) return;
    for (const id of clusterIds) {
      if (answered.has(id)) continue;
      await stat(id);
      answered.add(id);
    }
  };
}
