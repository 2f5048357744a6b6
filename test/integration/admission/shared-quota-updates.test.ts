import { rawDepartment, rawNamespace, rawPod, rawPvc, SnapshotStore } from '@corral/cluster';
import type { ReservationStore, StoredRecord } from '@corral/admission';
import { loadAdmissionReview } from '../../support/fixtures.js';
import { startHttpsWebhook, type HttpsWebhook } from './support.js';

const CLAIM_UID = '650172a5-a7e9-41fa-8dc2-15842352d585';

/** A shared quota record that cannot be read or written (the Lease API down), counting the calls. */
class UnreachableStore implements ReservationStore {
  calls = 0;

  load(): Promise<StoredRecord> {
    this.calls += 1;
    return Promise.reject(new Error('leases: connection refused'));
  }

  save(): Promise<'ok' | 'conflict'> {
    this.calls += 1;
    return Promise.reject(new Error('leases: connection refused'));
  }
}

/**
 * The recorded cluster's namespace lab-demo in Department team, whose quota limits storage and cpu;
 * the recorded claim lab-pvc (1Gi, no class) and pod web-0 (2 cpu) are stored.
 */
function labSnapshot(): SnapshotStore {
  const store = new SnapshotStore();
  store.replaceAll('Namespace', [rawNamespace('lab-demo', { 'corral.dev/department': 'team' })], 'test');
  store.replaceAll(
    'Department',
    [rawDepartment('team', { quota: { hard: { 'requests.storage': '10Gi', 'requests.cpu': '8' } } })],
    'test',
  );
  store.replaceAll(
    'PersistentVolumeClaim',
    [rawPvc('lab-demo', 'lab-pvc', '1Gi', { uid: CLAIM_UID })],
    'test',
  );
  store.replaceAll('Pod', [rawPod('lab-demo', 'web-0', { uid: 'u-web-0', requests: { cpu: '2' } })], 'test');
  return store;
}

/** The recorded PV binder UPDATE of lab-pvc (spec.volumeName set), its new object resized to `storage`. */
function claimUpdate(storage?: string) {
  const review = loadAdmissionReview('admission-validating-persistentvolumeclaims-update-1');
  const spec = review.request.object?.['spec'] as { resources: { requests: Record<string, string> } };
  if (storage !== undefined) spec.resources.requests['storage'] = storage;
  return review;
}

/** A pods/resize review of web-0 from `from` to `to` cpu. */
function podResize(from: string, to: string) {
  const pod = (cpu: string) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web-0', namespace: 'lab-demo', uid: 'u-web-0', resourceVersion: '7' },
    spec: { containers: [{ name: 'app', image: 'x:1', resources: { requests: { cpu } } }] },
  });
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: `resize-${from}-${to}`,
      kind: { group: '', version: 'v1', kind: 'Pod' },
      resource: { group: '', version: 'v1', resource: 'pods' },
      subResource: 'resize',
      namespace: 'lab-demo',
      name: 'web-0',
      operation: 'UPDATE',
      userInfo: { username: 'dev' },
      object: pod(to),
      oldObject: pod(from),
    },
  };
}

describe('updates that take nothing from quotas, with a shared quota record that cannot be reached', () => {
  let hook: HttpsWebhook;
  let store: UnreachableStore;
  beforeEach(async () => {
    store = new UnreachableStore();
    hook = await startHttpsWebhook(labSnapshot(), 2000, { reservationStore: store });
  });
  afterEach(async () => hook.close());

  it("given the PV binder's recorded UPDATE of a claim (volumeName set), allows it without reading the record", async () => {
    const res = await hook.post('/validate', claimUpdate());
    expect(res.status).toBe(200);
    // Before: refused with 500 (the record could not be read), so the claim could not be bound
    // while the Lease API was away, though binding takes nothing from any quota.
    expect(res.body.response).toMatchObject({ allowed: true });
    expect(store.calls).toBe(0);
  });

  it('given a pod resized down (pods/resize), allows it without reading the record', async () => {
    expect((await hook.post('/validate', podResize('2', '1'))).body.response.allowed).toBe(true);
    expect(store.calls).toBe(0);
  });

  it('given a claim or a pod that grows, still checks it in the record, and fails closed without it', async () => {
    const claim = await hook.post('/validate', claimUpdate('2Gi'));
    expect(claim.body.response).toMatchObject({ allowed: false, status: { code: 500 } });
    const pod = await hook.post('/validate', podResize('2', '3'));
    expect(pod.body.response).toMatchObject({ allowed: false, status: { code: 500 } });
    expect(store.calls).toBeGreaterThan(0);
  });
});
