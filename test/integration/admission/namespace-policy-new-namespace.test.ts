import { rawNamespace, type SnapshotStore } from '@corral/cluster';
import { snapshotFromFiles } from '../../../plugins/admission/src/testing/example-snapshot.js';
import { startHttpsWebhook, type HttpsWebhook } from './support.js';

/**
 * A NamespacePolicy CREATE in namespace finance-new, as `kubectl apply` sends it right after the
 * Namespace: its namespace quota asks `cpu` of requests (finance allows 32).
 */
function policyReview(cpu: string) {
  const policy = {
    apiVersion: 'corral.dev/v1alpha1',
    kind: 'NamespacePolicy',
    metadata: {
      name: 'policy',
      namespace: 'finance-new',
      uid: `u-${cpu}`,
      creationTimestamp: '2026-11-23T10:06:05Z',
    },
    spec: { quota: { hard: { 'requests.cpu': cpu } } },
  };
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: `review-${cpu}`,
      kind: { group: 'corral.dev', version: 'v1alpha1', kind: 'NamespacePolicy' },
      resource: { group: 'corral.dev', version: 'v1alpha1', resource: 'namespacepolicies' },
      namespace: 'finance-new',
      name: 'policy',
      operation: 'CREATE',
      userInfo: { username: 'platform-admin', groups: ['system:masters'] },
      object: policy,
      oldObject: null,
    },
  };
}

/** The watch delivers Namespace finance-new (of department finance) `ms` from now. */
const arrives = (snapshot: SnapshotStore, ms: number) =>
  setTimeout(
    () =>
      snapshot.upsert(
        'Namespace',
        rawNamespace('finance-new', { 'corral.dev/department': 'finance' }),
        'test',
      ),
    ms,
  );

describe('a NamespacePolicy whose namespace the snapshot does not hold yet (cluster mode), over HTTPS', () => {
  let hook: HttpsWebhook;
  let snapshot: SnapshotStore;
  beforeEach(async () => {
    snapshot = await snapshotFromFiles();
    hook = await startHttpsWebhook(snapshot, 3000, { namespaceWaitMs: 1000 });
  });
  afterEach(async () => hook.close());

  it("given a quota wider than the department's and the namespace arriving during the wait, refuses it (422)", async () => {
    arrives(snapshot, 50);
    const res = await hook.post('/validate', policyReview('100'));
    // Before: allowed at once, judged as the policy of a namespace of no department; then ignored
    // (Valid=False) as soon as the namespace arrived, its quota and image rules never applied.
    expect(res.body.response).toMatchObject({ allowed: false, status: { code: 422 } });
    expect(res.body.response.status.message).toContain("more than Department finance's quota");
  });

  it('given a quota within the department and the namespace arriving during the wait, allows it', async () => {
    arrives(snapshot, 50);
    const res = await hook.post('/validate', policyReview('8'));
    expect(res.body.response).toMatchObject({ allowed: true });
  });

  it('given the namespace never arriving, refuses it and says to retry', async () => {
    const res = await hook.post('/validate', policyReview('8'));
    expect(res.body.response).toMatchObject({ allowed: false });
    expect(res.body.response.status.message).toMatch(/\[namespace-known\].*retry in a moment/);
  });
});
