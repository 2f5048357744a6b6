import { rawDepartment, rawNamespace, SnapshotStore } from '@corral/cluster';
import { isDenial } from '../decide/decision.js';
import { DEFAULT_RULE_SETTINGS } from '../decide/settings.js';
import { ReservationLedger } from '../effects/reservation-ledger.js';
import { podRequest } from '../testing/example-snapshot.js';
import { RequestDeadline } from './request-deadline.js';
import { countedBySnapshot, NAMESPACE_KNOWN_RULE, reviewHandlers } from './review-handlers.js';

/** Department web (its registry only); its namespace `web-new` is not in the snapshot yet. */
function setUp(namespaceWaitMs: number) {
  const store = new SnapshotStore();
  const images = { allowedRegistries: ['harbor.example.com/web/'] };
  store.replaceAll('Department', [rawDepartment('web', { images })], 'test');
  store.replaceAll('Namespace', [], 'test');
  const ledger = new ReservationLedger({ ttlMs: 60_000, isCounted: countedBySnapshot(store) });
  const handlers = reviewHandlers(store, DEFAULT_RULE_SETTINGS, ledger, undefined, { namespaceWaitMs });
  const request = podRequest('web-new', { containers: [{ name: 'a', image: 'docker.io/evil/miner:1' }] });
  const review = { apiVersion: 'admission.k8s.io/v1', request };
  const deadline = () => new RequestDeadline(Date.now() + 5000);
  const arrives = (ms: number) =>
    setTimeout(
      () => store.upsert('Namespace', rawNamespace('web-new', { 'corral.dev/department': 'web' }), 'test'),
      ms,
    );
  return {
    arrives,
    validate: async () => (await handlers.validate(request, review, deadline())).decisions,
    mutate: async () => handlers.mutate(request, review, deadline()),
  };
}

describe('a tenant object whose namespace the snapshot does not hold yet', () => {
  it('given the namespace arriving during the wait, applies its department rules', async () => {
    const { arrives, validate } = setUp(2000);
    arrives(20);
    const decisions = await validate();
    expect(decisions.filter(isDenial).map((d) => d.rule)).toEqual(['image-registry']);
  });

  it('given the namespace never arriving, refuses the object and says to retry', async () => {
    const { validate } = setUp(50);
    const decisions = await validate();
    expect(decisions).toEqual([
      expect.objectContaining({
        rule: NAMESPACE_KNOWN_RULE,
        outcome: 'fail',
        message: expect.stringContaining('retry'),
      }),
    ]);
  });

  it('given the namespace arriving during the mutation, places the pod in the department', async () => {
    const { arrives, mutate } = setUp(2000);
    arrives(20);
    const { mutated } = (await mutate()) as { mutated?: { metadata: { labels: Record<string, string> } } };
    expect(mutated?.metadata.labels['corral.dev/department']).toBe('web');
  });

  it('given the namespace never arriving during the mutation, refuses the pod there (no unmutated pod)', async () => {
    const { arrives, mutate, validate } = setUp(50);
    const mutation = await mutate();
    expect(mutation.decisions).toEqual([
      expect.objectContaining({
        rule: NAMESPACE_KNOWN_RULE,
        outcome: 'fail',
        message: expect.stringContaining('retry'),
      }),
    ]);
    expect((mutation as { mutated?: unknown }).mutated).toBeUndefined();
    // Had it been let through, a namespace arriving before the validating call would admit it bare.
    arrives(0);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect((await validate()).filter(isDenial).map((d) => d.rule)).toEqual(['image-registry']);
  });

  it('given no wait (policy files), decides at once as a namespace of no department', async () => {
    const { validate } = setUp(0);
    const decisions = await validate();
    expect(decisions.some(isDenial)).toBe(false);
  });
});
