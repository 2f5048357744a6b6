import { rawDepartment, rawNamespace, rawNamespacePolicy, rawPvc, SnapshotStore } from '@corral/cluster';
import { startHttpsWebhook, type HttpsWebhook } from './support.js';

const GOLD_STORAGE = 'gold.storageclass.storage.k8s.io/requests.storage';
const GOLD_CLAIMS = 'gold.storageclass.storage.k8s.io/persistentvolumeclaims';

/**
 * Namespace team-a in Department team: the NamespacePolicy allows 10Gi of class gold, the Department
 * two gold claims; one 4Gi gold claim exists.
 */
function storageSnapshot(): SnapshotStore {
  const store = new SnapshotStore();
  store.replaceAll('Namespace', [rawNamespace('team-a', { 'corral.dev/department': 'team' })], 'test');
  store.replaceAll(
    'Department',
    [rawDepartment('team', { quota: { hard: { [GOLD_CLAIMS]: '2' } } })],
    'test',
  );
  store.replaceAll(
    'NamespacePolicy',
    [rawNamespacePolicy('team-a', 'policy', { quota: { hard: { [GOLD_STORAGE]: '10Gi' } } })],
    'test',
  );
  store.replaceAll(
    'PersistentVolumeClaim',
    [rawPvc('team-a', 'data-0', '4Gi', { storageClass: 'gold', uid: 'uid-data-0' })],
    'test',
  );
  return store;
}

/** A claim CREATE (or, with `old`, an UPDATE) of `size` in `storageClass` (none when undefined). */
function claimReview(name: string, size: string, storageClass: string | undefined, old?: string) {
  const claim = (storage: string) => ({
    ...rawPvc('team-a', name, storage, {
      ...(storageClass === undefined ? {} : { storageClass }),
      uid: `uid-${name}`,
    }),
    status: {},
  });
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: `review-${name}-${size}`,
      kind: { group: '', version: 'v1', kind: 'PersistentVolumeClaim' },
      resource: { group: '', version: 'v1', resource: 'persistentvolumeclaims' },
      namespace: 'team-a',
      name,
      operation: old === undefined ? 'CREATE' : 'UPDATE',
      userInfo: { username: 'dev' },
      object: claim(size),
      oldObject: old === undefined ? null : claim(old),
    },
  };
}

describe('per-StorageClass claim quotas through the validating webhook', () => {
  let hook: HttpsWebhook;
  beforeAll(async () => {
    hook = await startHttpsWebhook(storageSnapshot());
  });
  afterAll(async () => hook.close());

  const validate = async (review: ReturnType<typeof claimReview>) =>
    (await hook.post('/validate', review)).body.response;

  it('admits gold claims exactly up to the limits, then refuses naming each key and the fix', async () => {
    // 4Gi + 6Gi = 10Gi of 10Gi, 2 of 2 claims: exactly at both limits.
    expect(await validate(claimReview('data-1', '6Gi', 'gold'))).toMatchObject({ allowed: true });

    const refused = await validate(claimReview('data-2', '1Gi', 'gold'));
    expect(refused).toMatchObject({ allowed: false });
    expect(refused?.status?.message).toContain(
      `exceeds the NamespacePolicy quota of namespace team-a: ${GOLD_STORAGE} would reach 11Gi of 10Gi ` +
        '(this object asks 1Gi); lower the requests, remove unused objects, or ask a platform admin to raise the quota',
    );
    expect(refused?.status?.message).toContain(
      `exceeds the quota of department team: ${GOLD_CLAIMS} would reach 3 of 2 (this object asks 1)`,
    );
  });

  it('counts claims of another class, or of none, under no gold key', async () => {
    expect(await validate(claimReview('scratch-1', '50Gi', 'silver'))).toMatchObject({ allowed: true });
    expect(await validate(claimReview('scratch-2', '50Gi', undefined))).toMatchObject({ allowed: true });
  });

  it('refuses expanding a gold claim past the gold quota', async () => {
    const refused = await validate(claimReview('data-0', '5Gi', 'gold', '4Gi'));
    expect(refused).toMatchObject({ allowed: false });
    expect(refused?.status?.message).toContain(
      `${GOLD_STORAGE} would reach 11Gi of 10Gi (this object asks 1Gi)`,
    );
  });
});
