import { rawDepartment, rawNamespace } from '@corral/cluster';
import { validitySuite, WAIT } from './support-validity.js';

const DEPARTMENT_PATH = '/apis/corral.dev/v1alpha1/departments/team';

describe('an invalid Department arriving by watch (fake API server)', () => {
  const suite = validitySuite(DEPARTMENT_PATH, rawNamespace('team-a', { 'corral.dev/department': 'team' }));
  const { stored, valid } = suite;
  const statusWrites = () => suite.statusWrites().length;

  it('warns, counts it and sets Valid=False; once fixed, Valid=True, gauge 0 and an info line', async () => {
    const { logs, snapshot, writer, gauge } = await suite.startReplica('Department');
    const api = suite.api;
    try {
      // Accepted by the CRD schema (a quantity), refused by Corral: pods are counted in whole units.
      const invalid = { ...rawDepartment('team', { quota: { hard: { pods: '1.5' } } }) };
      api.upsert({ ...invalid, metadata: { name: 'team', generation: 1 } } as never);

      await vi.waitFor(async () => expect((await valid())?.status).toBe('False'), WAIT);
      const refused = await valid();
      expect(refused).toMatchObject({ reason: 'InvalidSpec', observedGeneration: 1 });
      expect(refused?.message).toContain('/spec/quota/hard/pods');
      expect(refused?.message).toContain('treats the Department as absent');
      expect((await stored()).status?.namespaces).toEqual([]);
      expect(await gauge()).toBe(1);
      const warns = logs.lines.filter((l) => l['msg'] === 'invalid policy object');
      expect(warns).toEqual([
        expect.objectContaining({
          level: 'warn',
          kind: 'Department',
          name: 'team',
          field: '/spec/quota/hard/pods',
          lastValidKept: false,
        }),
      ]);
      expect(snapshot.department('team')).toBeUndefined();

      // The watch brings the written status back: it is not written again, nor logged again.
      await vi.waitFor(() => expect(snapshot.invalidPolicies()[0]?.copy.status).toBeDefined(), WAIT);
      const writesWhileInvalid = statusWrites();
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(statusWrites()).toBe(writesWhileInvalid);

      // Fixed: a new generation with a whole number (the status kept, as the API server keeps it).
      const fixed = await suite.storeFixed();
      expect(fixed).toMatchObject({ reason: 'Valid', observedGeneration: 2 });
      expect(fixed?.lastTransitionTime).toBeDefined();
      await vi.waitFor(async () => expect((await stored()).status?.namespaces).toEqual(['team-a']), WAIT);
      expect(await gauge()).toBe(0);
      expect(logs.lines.filter((l) => l['msg'] === 'policy object valid again')).toEqual([
        expect.objectContaining({ level: 'info', kind: 'Department', name: 'team' }),
      ]);
      expect(logs.lines.filter((l) => l['msg'] === 'invalid policy object')).toHaveLength(1);
      expect(logs.text()).not.toContain('t0ken');
    } finally {
      writer.stop();
    }
  }, 40_000);
});
