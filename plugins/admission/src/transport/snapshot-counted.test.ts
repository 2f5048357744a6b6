import { rawNamespace, rawNamespacePolicy, rawPod, rawPvc, SnapshotStore } from '@corral/cluster';
import { NOTHING_RESERVED } from '../decide/quota.js';
import { newObjectQuota } from '../decide/quota-decisions.js';
import type { AdmissionRequest } from '../decide/request.js';
import { countedBySnapshot } from './snapshot-settlement.js';

/**
 * Namespace `team` under a quota; the snapshot holds pods `web` (uid `old`) and `odd` (uid `x/y`, which
 * no reservation key can carry) and claim `data` (no uid).
 */
function snapshot(): SnapshotStore {
  const store = new SnapshotStore();
  store.replaceAll('Namespace', [rawNamespace('team')], 'test');
  const hard = { pods: '10', 'requests.storage': '10Ti' };
  store.replaceAll('NamespacePolicy', [rawNamespacePolicy('team', 'p', { quota: { hard } })], 'test');
  store.replaceAll(
    'Pod',
    [rawPod('team', 'web', { uid: 'old' }), rawPod('team', 'odd', { uid: 'x/y' })],
    'test',
  );
  store.replaceAll('PersistentVolumeClaim', [rawPvc('team', 'data', '1Gi')], 'test');
  return store;
}

function create(kind: 'Pod' | 'PersistentVolumeClaim', name: string, uid?: string): AdmissionRequest {
  const object =
    kind === 'Pod'
      ? {
          metadata: { name, namespace: 'team', ...(uid ? { uid } : {}) },
          spec: { containers: [{ name: 'a' }] },
        }
      : rawPvc('team', name, '1Gi', uid === undefined ? {} : { uid });
  return {
    uid: `review-${name}`,
    kind: { group: '', version: 'v1', kind },
    namespace: 'team',
    name,
    operation: 'CREATE',
    object,
  };
}

describe('newObjectQuota beside countedBySnapshot: whether the snapshot counts the object already', () => {
  const cases: [
    what: string,
    kind: 'Pod' | 'PersistentVolumeClaim',
    name: string,
    uid: string | undefined,
    counted: boolean,
  ][] = [
    ['a pod the snapshot holds under its uid', 'Pod', 'web', 'old', true],
    ['a pod recreated under a held name (another uid)', 'Pod', 'web', 'new', false],
    ['a pod without a uid, its name held', 'Pod', 'web', undefined, true],
    ['a new pod', 'Pod', 'api', 'a-1', false],
    ['a new pod without a uid', 'Pod', 'api', undefined, false],
    ['a claim the snapshot holds (no uid there)', 'PersistentVolumeClaim', 'data', undefined, true],
    ['a claim of a held name with a uid', 'PersistentVolumeClaim', 'data', 'd-1', false],
    ['a name no key can hold', 'Pod', 'a/b', undefined, false],
    ['a uid no key can hold', 'Pod', 'web', 'x/y', false],
    ['a uid no key can hold, the snapshot holding it', 'Pod', 'odd', 'x/y', false],
  ];
  it.each(cases)('given %s, says %s, as the ledger would find', (_what, kind, name, uid, counted) => {
    const store = snapshot();
    const { demand } = newObjectQuota(create(kind, name, uid), 'team', store, () => NOTHING_RESERVED);
    expect(demand?.counted).toBe(counted);
    expect(demand?.counted).toBe(countedBySnapshot(store)(demand?.key ?? ''));
  });
});
