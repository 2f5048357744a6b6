import { snapshotFromFiles } from '../../../plugins/admission/src/testing/example-snapshot.js';
import { startHttpsWebhook, type HttpsWebhook } from './support.js';

type Json = Record<string, unknown>;

/**
 * A Department as kube-apiserver sends it in an AdmissionReview: server-set metadata, kubectl's
 * last-applied annotation and managedFields. Its spec is one Corral refuses (pods counted in whole
 * units), as stored before Corral's webhook was installed.
 */
function storedDepartment(metadata: Json = {}): Json {
  const spec = { quota: { hard: { pods: '1.5' } } };
  return {
    apiVersion: 'corral.dev/v1alpha1',
    kind: 'Department',
    metadata: {
      name: 'team',
      uid: '7d1c9a4e-0b1f-4c55-9f0e-3f1b2f6c1d2a',
      resourceVersion: '4711',
      generation: 1,
      creationTimestamp: '2026-11-23T10:06:05Z',
      annotations: {
        'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify({ spec }),
      },
      managedFields: [
        {
          manager: 'kubectl-client-side-apply',
          operation: 'Update',
          apiVersion: 'corral.dev/v1alpha1',
          time: '2026-11-23T10:06:05Z',
          fieldsType: 'FieldsV1',
          fieldsV1: { 'f:spec': { '.': {}, 'f:quota': { '.': {}, 'f:hard': { '.': {}, 'f:pods': {} } } } },
        },
      ],
      ...metadata,
    },
    spec,
    status: { namespaces: [], conditions: [{ type: 'Valid', status: 'False', reason: 'InvalidSpec' }] },
  };
}

function review(object: Json, oldObject: Json, extra: Json = {}): Json {
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: `u-${Math.random()}`,
      kind: { group: 'corral.dev', version: 'v1alpha1', kind: 'Department' },
      resource: { group: 'corral.dev', version: 'v1alpha1', resource: 'departments' },
      requestKind: { group: 'corral.dev', version: 'v1alpha1', kind: 'Department' },
      requestResource: { group: 'corral.dev', version: 'v1alpha1', resource: 'departments' },
      name: 'team',
      operation: 'UPDATE',
      userInfo: { username: 'platform-admin', groups: ['system:masters', 'system:authenticated'] },
      object,
      oldObject,
      dryRun: false,
      options: { kind: 'UpdateOptions', apiVersion: 'meta.k8s.io/v1' },
      ...extra,
    },
  };
}

describe('Department UPDATEs of an object Corral refuses, through /validate over HTTPS', () => {
  let hook: HttpsWebhook;
  beforeAll(async () => {
    hook = await startHttpsWebhook(await snapshotFromFiles());
  });
  afterAll(async () => hook.close());

  it('given the status subresource (Corral writes Valid=False there), allows it', async () => {
    const stored = storedDepartment();
    const res = await hook.post('/validate', review(stored, stored, { subResource: 'status' }));
    expect(res.body.response).toMatchObject({ allowed: true });
    // Not judged at all: a write of the main resource keeping the problem would draw a warning.
    expect(res.body.response.warnings).toBeUndefined();
  });

  it('given the garbage collector removing foregroundDeletion, allows it, or the object would never go', async () => {
    const deleting = { deletionTimestamp: '2026-11-24T00:00:00Z', deletionGracePeriodSeconds: 0 };
    const before = storedDepartment({ ...deleting, finalizers: ['foregroundDeletion'] });
    const after = storedDepartment(deleting);
    const res = await hook.post('/validate', review(after, before));
    expect(res.body.response).toMatchObject({ allowed: true });
    expect(res.body.response.warnings.join(' ')).toContain('/spec/quota/hard/pods');
  });

  it('given a dry run that brings a new problem, refuses it (422) naming only that one', async () => {
    const before = storedDepartment();
    const after = { ...before, spec: { quota: { hard: { pods: '1.5', 'requests.cpu': 'lots' } } } };
    const res = await hook.post('/validate', review(after, before, { dryRun: true }));
    expect(res.body.response).toMatchObject({ allowed: false, status: { code: 422 } });
    expect(res.body.response.status.message).toContain('/spec/quota/hard/requests.cpu');
    expect(res.body.response.status.message).not.toContain('/spec/quota/hard/pods');
  });
});
