import { rawNamespace, rawNamespacePolicy, rawPod, SnapshotStore } from '@corral/cluster';
import { isDenial } from '../decide/decision.js';
import { DEFAULT_RULE_SETTINGS } from '../decide/settings.js';
import { DeletedObjects } from '../effects/deleted-objects.js';
import { ReservationLedger } from '../effects/reservation-ledger.js';
import { MemoryReservationStore } from '../effects/reservation-store.js';
import { SharedReservations } from '../effects/shared-reservations.js';
import { podRequest } from '../testing/example-snapshot.js';
import { RequestDeadline } from './request-deadline.js';
import { countedBySnapshot, reviewHandlers, settleFromSnapshot } from './review-handlers.js';

const TTL_MS = 60_000;
const resources = { requests: { cpu: '100m' }, limits: { cpu: '100m', memory: '64Mi' } };
const spec = { containers: [{ name: 'a', image: 'x:1', resources }] };
const pod = (name: string) => rawPod('team', name, { uid: `uid-${name}`, ...resources });

/** One replica on the shared path (a cluster's default), in namespace `team` with a pods quota. */
function replica(pods: string, maxEntries?: number) {
  const snapshot = new SnapshotStore();
  snapshot.replaceAll('Namespace', [rawNamespace('team')], 'test');
  snapshot.replaceAll(
    'NamespacePolicy',
    [rawNamespacePolicy('team', 'p', { quota: { hard: { pods } } })],
    'test',
  );
  const deleted = new DeletedObjects({ ttlMs: 2 * TTL_MS });
  const ledger = new ReservationLedger({ ttlMs: TTL_MS, isCounted: countedBySnapshot(snapshot) });
  settleFromSnapshot(snapshot, ledger, deleted);
  const shared = new SharedReservations({
    store: new MemoryReservationStore(),
    ttlMs: TTL_MS,
    isCounted: countedBySnapshot(snapshot, deleted),
    ...(maxEntries === undefined ? {} : { maxEntries }),
  });
  const handlers = reviewHandlers(snapshot, DEFAULT_RULE_SETTINGS, ledger, shared);
  const admit = async (name: string) => {
    const request = podRequest('team', spec, { name, objectUid: `uid-${name}` });
    const review = { apiVersion: 'admission.k8s.io/v1', request };
    const result = await handlers.validate(request, review, new RequestDeadline(Date.now() + 5000));
    return result.decisions.some(isDenial) ? 'denied' : 'admitted';
  };
  return { snapshot, admit };
}

describe('shared quota records and deleted objects', () => {
  it('given two admitted pods that ran and were deleted, admits the next against a quota of 2', async () => {
    const { snapshot, admit } = replica('2');
    for (const name of ['p1', 'p2']) {
      expect(await admit(name)).toBe('admitted');
      snapshot.upsert('Pod', pod(name), 'watch');
    }
    expect(await admit('p3')).toBe('denied');
    snapshot.remove('Pod', pod('p1'), 'watch');
    snapshot.remove('Pod', pod('p2'), 'watch');
    expect(await admit('p3')).toBe('admitted');
  });

  it('given short-lived pods filling the record, drops their entries instead of refusing new pods', async () => {
    const { snapshot, admit } = replica('100000', 20);
    for (let i = 0; i < 40; i += 1) {
      expect(await admit(`q${i}`)).toBe('admitted');
      snapshot.upsert('Pod', pod(`q${i}`), 'watch');
      snapshot.remove('Pod', pod(`q${i}`), 'watch');
    }
  });

  it('given a pod admitted but never created, still holds its room (only deletions end it early)', async () => {
    const { admit } = replica('1');
    expect(await admit('p1')).toBe('admitted');
    expect(await admit('p2')).toBe('denied');
  });
});
