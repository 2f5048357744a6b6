import { rawNamespace, rawNamespacePolicy } from '@corral/cluster';
import { validitySuite, WAIT } from './support-validity.js';

const POLICY_PATH = '/apis/corral.dev/v1alpha1/namespaces/team-a/namespacepolicies/policy';

/** A time in ms as a condition's lastTransitionTime writes it (RFC 3339, whole seconds). */
const isoSeconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

describe('an invalid NamespacePolicy arriving by watch (fake API server)', () => {
  const suite = validitySuite(POLICY_PATH, rawNamespace('team-a'));
  const { stored, valid, statusWrites } = suite;

  it('sets Valid=False with the reason and field through the status subresource; once fixed, Valid=True', async () => {
    const { logs, snapshot, writer, gauge } = await suite.startReplica('NamespacePolicy');
    const api = suite.api;
    try {
      // Accepted by the CRD schema (a quantity), refused by Corral: pods are counted in whole units.
      const invalid = rawNamespacePolicy('team-a', 'policy', { quota: { hard: { pods: '1.5' } } });
      api.upsert({ ...invalid, metadata: { name: 'policy', namespace: 'team-a', generation: 1 } } as never);

      await vi.waitFor(async () => expect((await valid())?.status).toBe('False'), WAIT);
      const refused = await valid();
      expect(refused).toMatchObject({ reason: 'InvalidSpec', observedGeneration: 1 });
      expect(refused?.message).toContain('/spec/quota/hard/pods');
      expect(refused?.message).toContain('treats the NamespacePolicy as absent');
      expect(refused?.lastTransitionTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      // One JSON Patch on the namespaced status subresource; the spec is left alone.
      expect(statusWrites()).toHaveLength(1);
      expect((await stored()).spec).toEqual({ quota: { hard: { pods: '1.5' } } });
      expect(await gauge()).toBe(1);
      expect(snapshot.namespacePolicy('team-a')).toBeUndefined();

      // The watch brings the written status back: it is not written again.
      await vi.waitFor(() => expect(snapshot.invalidPolicies()[0]?.copy.status).toBeDefined(), WAIT);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(statusWrites()).toHaveLength(1);

      // Fixed: a new generation with a whole number (the status kept, as the API server keeps it),
      // a second or more after the refusal, so that a transition time carried over would show.
      const refusedAt = refused?.lastTransitionTime ?? '';
      await vi.waitFor(() => expect(isoSeconds(Date.now())).not.toBe(refusedAt), WAIT);
      const fixedFrom = isoSeconds(Date.now());
      const fixed = await suite.storeFixed();
      expect(fixed).toMatchObject({ reason: 'Valid', observedGeneration: 2 });
      expect(fixed?.lastTransitionTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(Date.parse(fixed?.lastTransitionTime ?? '')).toBeGreaterThanOrEqual(Date.parse(fixedFrom));
      expect(await gauge()).toBe(0);

      // The policy, status and all, is served and stays valid: the written status never refuses it.
      await vi.waitFor(() => expect(snapshot.namespacePolicy('team-a')?.status).toBeDefined(), WAIT);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(snapshot.invalidPolicies()).toEqual([]);
      expect(statusWrites()).toHaveLength(2);
      expect(logs.lines.filter((l) => l['msg'] === 'policy object valid again')).toEqual([
        expect.objectContaining({
          level: 'info',
          kind: 'NamespacePolicy',
          namespace: 'team-a',
          name: 'policy',
        }),
      ]);
      expect(logs.text()).not.toContain('t0ken');
    } finally {
      writer.stop();
    }
  }, 40_000);
});
