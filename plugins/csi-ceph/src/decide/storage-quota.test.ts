import type { Department } from '@corral/policy';
import type { ClaimUsage } from './placement.js';
import { checkStorageQuota } from './storage-quota.js';

const NANO = 1_000_000_000n;
const GI = 1n << 30n;
const GOLD = 'gold.storageclass.storage.k8s.io/';
const claim = { pvcNamespace: 'fin-prod', pvcName: 'data' };

const dept = (hard: Record<string, string> | undefined): Department =>
  ({
    apiVersion: 'corral.dev/v1alpha1',
    kind: 'Department',
    metadata: { name: 'fin' },
    spec: hard ? { quota: { hard } } : {},
  }) as Department;

/** The department's usage: bytes of storage and counts of claims, per key, in nano-units. */
const usage = (amounts: Record<string, bigint>): ClaimUsage['used'] =>
  new Map(Object.entries(amounts).map(([key, value]) => [key, value * NANO]));

function view(hard: Record<string, string> | undefined, claimUsage: ClaimUsage) {
  return { department: () => dept(hard), claimUsage: () => claimUsage };
}

/** Claim not in the snapshot: its class unknown, its usage not in the department's yet. */
const unseen = (amounts: Record<string, bigint>): ClaimUsage => ({ used: usage(amounts), counted: false });
/** Claim in the snapshot: counted, with its class. */
const seen = (amounts: Record<string, bigint>, storageClass?: string): ClaimUsage => ({
  used: usage(amounts),
  counted: true,
  ...(storageClass ? { storageClass } : {}),
});

describe('checkStorageQuota', () => {
  const storage = { 'requests.storage': '1Gi' };
  const goldStorage = { [`${GOLD}requests.storage`]: '1Gi' };
  const claims = { persistentvolumeclaims: '2' };
  const goldClaims = { [`${GOLD}persistentvolumeclaims`]: '2' };
  it.each([
    ['room left', 'pass', storage, unseen({ 'requests.storage': GI / 2n }), GI / 4n],
    ['exactly full', 'pass', storage, unseen({ 'requests.storage': GI / 2n }), GI / 2n],
    ['over requests.storage', 'fail', storage, unseen({ 'requests.storage': GI / 2n }), GI],
    ['the claim already counted', 'pass', storage, seen({ 'requests.storage': GI }), GI],
    ['the claim counted, the department over', 'fail', storage, seen({ 'requests.storage': 2n * GI }), GI],
    ['no quota', 'pass', undefined, unseen({ 'requests.storage': 9n * GI }), 10n * GI],
    ['a quota of other keys', 'pass', { 'requests.cpu': '1' }, unseen({}), 10n * GI],
    // Per class: the claim's class is the snapshot's; it is counted there already.
    [
      'a gold claim within gold storage',
      'pass',
      goldStorage,
      seen({ [`${GOLD}requests.storage`]: GI }, 'gold'),
      GI,
    ],
    [
      'a gold claim over gold storage',
      'fail',
      goldStorage,
      seen({ [`${GOLD}requests.storage`]: 2n * GI }, 'gold'),
      GI,
    ],
    [
      'a silver claim, gold storage full',
      'pass',
      goldStorage,
      seen({ [`${GOLD}requests.storage`]: 2n * GI }, 'silver'),
      GI,
    ],
    [
      'a claim without class, gold storage full',
      'pass',
      goldStorage,
      seen({ [`${GOLD}requests.storage`]: 2n * GI }),
      GI,
    ],
    [
      'an unseen claim (class unknown), gold storage full',
      'pass',
      goldStorage,
      unseen({ [`${GOLD}requests.storage`]: 2n * GI }),
      GI,
    ],
    // Claim counts: one more unless the claim is counted already.
    ['an unseen claim, room for one more', 'pass', claims, unseen({ persistentvolumeclaims: 1n }), GI],
    ['an unseen claim, no room', 'fail', claims, unseen({ persistentvolumeclaims: 2n }), GI],
    ['a counted claim, at the limit', 'pass', claims, seen({ persistentvolumeclaims: 2n }), GI],
    ['a counted claim, over the limit', 'fail', claims, seen({ persistentvolumeclaims: 3n }), GI],
    [
      'count/persistentvolumeclaims, no room',
      'fail',
      { 'count/persistentvolumeclaims': '2' },
      unseen({ persistentvolumeclaims: 2n }),
      GI,
    ],
    [
      'a gold claim at the gold count',
      'pass',
      goldClaims,
      seen({ [`${GOLD}persistentvolumeclaims`]: 2n }, 'gold'),
      GI,
    ],
    [
      'a gold claim over the gold count',
      'fail',
      goldClaims,
      seen({ [`${GOLD}persistentvolumeclaims`]: 3n }, 'gold'),
      GI,
    ],
  ])('given %s, returns %s', (_label, verdict, hard, claimUsage, bytes) => {
    expect(checkStorageQuota('fin', bytes, claim, view(hard, claimUsage)).status).toBe(verdict);
  });

  it('given no department or no tenant view, passes', () => {
    const full = view(storage, unseen({ 'requests.storage': 9n * GI }));
    expect(checkStorageQuota(undefined, GI, claim, full).status).toBe('pass');
    expect(checkStorageQuota('fin', GI, claim, undefined).status).toBe('pass');
  });

  it('given an excess, tells the tenant what to do', () => {
    const out = checkStorageQuota('fin', 2n * GI, claim, view(storage, unseen({})));
    expect(out).toMatchObject({ status: 'fail', code: 'CSI_ERR_QUOTA_EXCEEDED' });
    if (out.status === 'fail') expect(out.message).toMatch(/raise the quota/);
  });

  it("given an excess, words both amounts in the quota's unit", () => {
    const out = checkStorageQuota(
      'fin',
      GI + GI / 4n,
      claim,
      view(storage, unseen({ 'requests.storage': GI / 2n })),
    );
    expect(out.status === 'fail' && out.message).toContain(
      'would use 1.75Gi of storage, over its requests.storage quota of 1Gi',
    );
  });

  it('given excesses of several keys, names each key as the quota writes it', () => {
    const hard = { ...storage, ...goldStorage, 'count/persistentvolumeclaims': '2', ...goldClaims };
    const used = seen(
      {
        'requests.storage': 3n * GI,
        [`${GOLD}requests.storage`]: 3n * GI,
        persistentvolumeclaims: 3n,
        [`${GOLD}persistentvolumeclaims`]: 3n,
      },
      'gold',
    );
    const out = checkStorageQuota('fin', GI, claim, view(hard, used));
    expect(out.status === 'fail' && out.message).toBe(
      'department "fin" would use 3Gi of storage, over its requests.storage quota of 1Gi; ' +
        `3Gi of storage of StorageClass "gold", over its ${GOLD}requests.storage quota of 1Gi; ` +
        '3 PersistentVolumeClaims, over its count/persistentvolumeclaims quota of 2; ' +
        `3 PersistentVolumeClaims of StorageClass "gold", over its ${GOLD}persistentvolumeclaims quota of 2: ` +
        'delete unused PersistentVolumeClaims or ask your platform admin to raise the quota',
    );
  });
});
