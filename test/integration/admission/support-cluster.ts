import type { RunningAdmission } from '@corral/admission';
import type { MemoryDestination } from '@corral/runtime';
import type { FakeApiServer } from '../fake-apiserver/index.js';
import { podReview, startAdmissionService, type Reply } from './support.js';

export interface ClusterReplica {
  readonly running: RunningAdmission;
  readonly logs: MemoryDestination;
  /** The bearer token this replica sends, as the fake API server records it. */
  readonly authorization: string;
  review(body: unknown): Promise<Reply>;
  ready(): Promise<boolean>;
}

/** Runs `corral admission --kubeconfig …` over plain HTTP on 127.0.0.1:0 against the fake API server. */
export async function startClusterReplica(
  api: FakeApiServer,
  token: string,
  flags: readonly string[] = [],
): Promise<ClusterReplica> {
  const { running, logs } = await startAdmissionService({ api, token, flags });
  return {
    running,
    logs,
    authorization: `Bearer ${token}`,
    review: async (body) => {
      const res = await fetch(`${running.url}/validate`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return (await res.json()) as Reply;
    },
    ready: async () => (await fetch(`${running.url}/readyz`)).status === 200,
  };
}

/** A validating review of a pod CREATE; with `owner`, the pod carries that controller reference. */
export function ownedPodReview(
  namespace: string,
  name: string,
  image: string,
  owner?: { apiVersion: string; kind: string; name: string; uid: string },
) {
  const review = podReview(namespace, name, { containers: [{ name: 'main', image }] });
  const metadata = review.request.object.metadata as Record<string, unknown>;
  metadata['uid'] = `uid-${name}`;
  if (owner) metadata['ownerReferences'] = [{ ...owner, controller: true, blockOwnerDeletion: true }];
  return review;
}

/** The events.k8s.io/v1 Events the fake API server holds in `namespace`. */
export async function listEvents(api: FakeApiServer, namespace: string): Promise<Record<string, unknown>[]> {
  const res = await fetch(`${api.url}/apis/events.k8s.io/v1/namespaces/${namespace}/events`);
  return ((await res.json()) as { items: Record<string, unknown>[] }).items;
}
