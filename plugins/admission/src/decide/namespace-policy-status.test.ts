import { rawNamespace, rawNamespacePolicy, SnapshotStore } from '@corral/cluster';
import { staleNamespacePolicyStatuses } from './namespace-policy-status.js';

const NOW = '2030-01-02T03:04:05Z';
const EARLIER = '2029-12-31T00:00:00Z';

/** A NamespacePolicy as the API server stores it: generation and resourceVersion set. */
function stored(
  namespace: string,
  name: string,
  spec: Record<string, unknown>,
  meta: { generation: number; resourceVersion: string; creationTimestamp?: string },
  status?: unknown,
): Record<string, unknown> {
  const raw = rawNamespacePolicy(namespace, name, spec, meta.creationTimestamp);
  const metadata = {
    ...(raw['metadata'] as object),
    generation: meta.generation,
    resourceVersion: meta.resourceVersion,
  };
  return { ...raw, metadata, ...(status === undefined ? {} : { status }) };
}

/** Team namespaces a and b, each with the given policies (valid by default). */
function snapshotWith(...policies: Record<string, unknown>[]): SnapshotStore {
  const store = new SnapshotStore();
  store.replaceAll('Namespace', [rawNamespace('team-a'), rawNamespace('team-b')], 'test');
  store.replaceAll('NamespacePolicy', policies, 'test');
  return store;
}

// Accepted by the CRD schema (a quantity), refused by Corral: pods are counted in whole units.
const HALF_POD = { quota: { hard: { pods: '1.5' } } };

describe('staleNamespacePolicyStatuses', () => {
  it('given served policies without status, returns Valid=True for each with its generation', () => {
    const store = snapshotWith(
      stored('team-a', 'policy', { enforcement: 'warn' }, { generation: 3, resourceVersion: '10' }),
      stored('team-b', 'policy', {}, { generation: 1, resourceVersion: '11' }),
    );
    const updates = staleNamespacePolicyStatuses(store, NOW);
    expect(updates).toEqual([
      {
        kind: 'NamespacePolicy',
        namespace: 'team-a',
        name: 'policy',
        resourceVersion: '10',
        status: {
          observedGeneration: 3,
          conditions: [
            {
              type: 'Valid',
              status: 'True',
              reason: 'Valid',
              message: 'Corral serves this spec.',
              observedGeneration: 3,
              lastTransitionTime: NOW,
            },
          ],
        },
      },
      expect.objectContaining({ namespace: 'team-b', name: 'policy', resourceVersion: '11' }),
    ]);
  });

  it('given a policy Corral refuses and never served, returns Valid=False/InvalidSpec naming the field', () => {
    const store = snapshotWith(stored('team-a', 'policy', HALF_POD, { generation: 2, resourceVersion: '7' }));
    expect(store.namespacePolicy('team-a')).toBeUndefined();
    const [update] = staleNamespacePolicyStatuses(store, NOW);
    expect(update).toMatchObject({
      kind: 'NamespacePolicy',
      namespace: 'team-a',
      name: 'policy',
      resourceVersion: '7',
    });
    expect(update?.status.conditions).toEqual([
      {
        type: 'Valid',
        status: 'False',
        reason: 'InvalidSpec',
        message: expect.stringMatching(
          /^Refused by validation: \/spec\/quota\/hard\/pods: .+\. Corral treats the NamespacePolicy as absent until it is fixed\.$/,
        ),
        observedGeneration: 2,
        lastTransitionTime: NOW,
      },
    ]);
  });

  it('given a refused edit of a served policy, judges the newest copy and says the last valid one still serves', () => {
    const store = snapshotWith(stored('team-a', 'policy', {}, { generation: 1, resourceVersion: '5' }));
    store.upsert(
      'NamespacePolicy',
      stored('team-a', 'policy', HALF_POD, { generation: 2, resourceVersion: '6' }),
      'test',
    );
    expect(store.namespacePolicy('team-a')?.metadata.generation).toBe(1);
    const [update] = staleNamespacePolicyStatuses(store, NOW);
    expect(update?.resourceVersion).toBe('6');
    expect(update?.status.observedGeneration).toBe(2);
    expect(update?.status.conditions?.[0]).toMatchObject({
      status: 'False',
      reason: 'InvalidSpec',
      observedGeneration: 2,
      message: expect.stringContaining('Corral keeps serving the last valid spec (generation 1).'),
    });
  });

  it('given two policies in one namespace, the newer is Valid=False/Conflict naming the one that applies', () => {
    const store = snapshotWith(
      stored(
        'team-a',
        'old',
        {},
        { generation: 1, resourceVersion: '1', creationTimestamp: '2029-01-01T00:00:00Z' },
      ),
      stored(
        'team-a',
        'new',
        {},
        { generation: 1, resourceVersion: '2', creationTimestamp: '2029-06-01T00:00:00Z' },
      ),
    );
    const updates = staleNamespacePolicyStatuses(store, NOW);
    const byName = new Map(updates.map((u) => [u.name, u.status.conditions?.[0]]));
    expect(byName.get('old')).toMatchObject({ status: 'True', reason: 'Valid' });
    expect(byName.get('new')).toMatchObject({
      status: 'False',
      reason: 'Conflict',
      message: expect.stringContaining('namespace team-a already has NamespacePolicy old'),
    });
  });

  it('given statuses already current, returns nothing; other status fields and conditions are kept', () => {
    const first = snapshotWith(
      stored('team-a', 'policy', {}, { generation: 1, resourceVersion: '1' }),
      stored('team-b', 'policy', HALF_POD, { generation: 1, resourceVersion: '2' }),
    );
    const other = { type: 'Reviewed', status: 'True', lastTransitionTime: EARLIER };
    const written = staleNamespacePolicyStatuses(first, EARLIER).map((u) =>
      stored(
        u.namespace ?? '',
        u.name,
        u.namespace === 'team-b' ? HALF_POD : {},
        {
          generation: 1,
          resourceVersion: u.resourceVersion ?? '',
        },
        { ...u.status, conditions: [other, ...(u.status.conditions ?? [])], note: 'kept' },
      ),
    );
    expect(written).toHaveLength(2);
    expect(staleNamespacePolicyStatuses(snapshotWith(...written), NOW)).toEqual([]);
  });

  it('given a hand-edited status.observedGeneration, rewrites it with the generation judged', () => {
    const first = snapshotWith(stored('team-a', 'policy', {}, { generation: 5, resourceVersion: '1' }));
    const [written] = staleNamespacePolicyStatuses(first, EARLIER);
    expect(written?.status.observedGeneration).toBe(5);
    const edited = { ...written?.status, observedGeneration: 1 };
    const store = snapshotWith(
      stored('team-a', 'policy', {}, { generation: 5, resourceVersion: '2' }, edited),
    );
    const [update] = staleNamespacePolicyStatuses(store, NOW);
    expect(update?.resourceVersion).toBe('2');
    expect(update?.status).toEqual(written?.status);
  });

  it('given a fixed policy whose stored condition is False, flips it to True at now, other status fields and conditions kept', () => {
    const other = { type: 'Reviewed', status: 'True', lastTransitionTime: EARLIER };
    const refusedStatus = {
      note: 'kept',
      conditions: [
        other,
        {
          type: 'Valid',
          status: 'False',
          reason: 'InvalidSpec',
          message: 'x',
          observedGeneration: 1,
          lastTransitionTime: EARLIER,
        },
      ],
    };
    const store = snapshotWith(
      stored('team-a', 'policy', {}, { generation: 2, resourceVersion: '9' }, refusedStatus),
    );
    const [update] = staleNamespacePolicyStatuses(store, NOW);
    // The whole status is written back (a JSON Patch of /status): what Corral does not own stays.
    expect(update?.status).toEqual({
      note: 'kept',
      observedGeneration: 2,
      conditions: [
        other,
        {
          type: 'Valid',
          status: 'True',
          reason: 'Valid',
          message: 'Corral serves this spec.',
          observedGeneration: 2,
          lastTransitionTime: NOW,
        },
      ],
    });
  });
});
