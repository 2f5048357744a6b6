import type { InvalidPolicy } from '@corral/cluster';
import { snapshotFromFiles } from '../testing/example-snapshot.js';
import { staleDepartmentStatuses } from './department-status.js';

const snapshot = await snapshotFromFiles();
const NOW = '2030-01-02T03:04:05Z';
const EARLIER = '2029-12-31T00:00:00Z';

/** The example snapshot, with these refused Departments. */
const withRefused = (invalid: InvalidPolicy[]) => ({
  departments: () => snapshot.departments(),
  namespacesOfDepartment: (d: string) => snapshot.namespacesOfDepartment(d),
  usageOfDepartment: (d: string) => snapshot.usageOfDepartment(d),
  invalidPolicies: () => invalid,
});

/** The example snapshot, every Department stored at `generation` (as the API server sets it). */
const withGeneration = (generation: number) => ({
  ...withRefused([]),
  departments: () =>
    [...snapshot.departments()].map((d) => ({ ...d, metadata: { ...d.metadata, generation } })),
});

const refused = (name: string, lastValidKept: boolean, status?: unknown): InvalidPolicy => ({
  kind: 'Department',
  name,
  reason: 'InvalidSpec',
  problems: [
    { kind: 'Department', name, field: '/spec/quota/hard/cpu', message: 'is not a ResourceQuota key' },
  ],
  lastValidKept,
  copy: { generation: 7, resourceVersion: '42', ...(status === undefined ? {} : { status }) },
});

describe('staleDepartmentStatuses', () => {
  it('given departments without status, returns each with its namespaces, pooled usage and Valid=True', () => {
    const updates = staleDepartmentStatuses(snapshot, NOW);
    expect(updates.map((u) => u.name).sort()).toEqual(['finance', 'research', 'web']);
    const finance = updates.find((u) => u.name === 'finance');
    expect(finance?.status.namespaces).toEqual(['finance-dev', 'finance-prod']);
    expect(finance?.status.used?.['requests.cpu']).toBe('4'); // examples/README.md: cpu 4 / 32
    expect(finance?.status.used?.['pods']).toBe('6');
    expect(finance?.status.conditions).toEqual([
      {
        type: 'Valid',
        status: 'True',
        reason: 'Valid',
        message: 'Corral serves this spec.',
        lastTransitionTime: NOW,
      },
    ]);
  });

  it('given usage on the other ResourceQuota keys, shows them in used as Kubernetes prints them', () => {
    const usage = new Map([
      ['count/pods', 7n * 10n ** 9n],
      ['requests.hugepages-2Mi', 512n * 1024n ** 2n * 10n ** 9n],
      ['gold.storageclass.storage.k8s.io/requests.storage', 1536n * 1024n ** 2n * 10n ** 9n],
      ['gold.storageclass.storage.k8s.io/persistentvolumeclaims', 2n * 10n ** 9n],
    ]);
    const view = { ...withRefused([]), usageOfDepartment: () => usage };
    const finance = staleDepartmentStatuses(view, NOW).find((u) => u.name === 'finance');
    expect(finance?.status.used).toEqual({
      'count/pods': '7',
      'gold.storageclass.storage.k8s.io/persistentvolumeclaims': '2',
      'gold.storageclass.storage.k8s.io/requests.storage': '1536Mi',
      'requests.hugepages-2Mi': '512Mi',
    });
  });

  it('given statuses already current, returns nothing', () => {
    const atGeneration3 = withGeneration(3);
    const updates = staleDepartmentStatuses(atGeneration3, EARLIER);
    const current = {
      ...atGeneration3,
      departments: () =>
        [...atGeneration3.departments()].map((d) => ({
          ...d,
          status: updates.find((u) => u.name === d.metadata.name)?.status,
        })),
    };
    expect(staleDepartmentStatuses(current, NOW)).toEqual([]);
  });

  it('given departments at a generation, writes that generation as status.observedGeneration', () => {
    const updates = staleDepartmentStatuses(withGeneration(4), NOW);
    expect(updates.map((u) => [u.name, u.status.observedGeneration]).sort()).toEqual([
      ['finance', 4],
      ['research', 4],
      ['web', 4],
    ]);
  });

  it('given a status current but for a hand-edited observedGeneration, rewrites it with the generation', () => {
    const atGeneration4 = withGeneration(4);
    const written = staleDepartmentStatuses(atGeneration4, EARLIER);
    const edited = {
      ...atGeneration4,
      departments: () =>
        [...atGeneration4.departments()].map((d) => ({
          ...d,
          status: {
            ...written.find((u) => u.name === d.metadata.name)?.status,
            ...(d.metadata.name === 'finance' ? { observedGeneration: 9 } : {}),
          },
        })),
    };
    const updates = staleDepartmentStatuses(edited, NOW);
    expect(updates.map((u) => u.name)).toEqual(['finance']);
    // Only the generation changes: the Valid condition keeps its lastTransitionTime.
    expect(updates[0]?.status).toEqual(written.find((u) => u.name === 'finance')?.status);
  });

  it('given a refused copy of a served Department, returns Valid=False from that copy, keeping the namespaces', () => {
    const [update] = staleDepartmentStatuses(
      withRefused([refused('finance', true, { observedGeneration: 1 })]),
      NOW,
    ).filter((u) => u.name === 'finance');
    expect(update?.resourceVersion).toBe('42');
    expect(update?.status.namespaces).toEqual(['finance-dev', 'finance-prod']);
    // The generation judged (the refused copy's), not the hand-written one.
    expect(update?.status.observedGeneration).toBe(7);
    expect(update?.status.conditions).toEqual([
      {
        type: 'Valid',
        status: 'False',
        reason: 'InvalidSpec',
        message:
          'Refused by validation: /spec/quota/hard/cpu: is not a ResourceQuota key. ' +
          'Corral keeps serving the last valid spec.',
        observedGeneration: 7,
        lastTransitionTime: NOW,
      },
    ]);
  });

  it('given a refused Department with no valid copy, returns Valid=False, no namespaces and no usage', () => {
    const updates = staleDepartmentStatuses(withRefused([refused('sales', false)]), NOW);
    const sales = updates.find((u) => u.name === 'sales');
    expect(sales?.status).toMatchObject({ namespaces: [], used: {} });
    expect(sales?.status.conditions?.[0]).toMatchObject({
      status: 'False',
      message: expect.stringContaining('treats the Department as absent'),
    });
  });

  it('given the refused copy already shows its condition, returns nothing for it (no rewrite at a relist)', () => {
    const first = staleDepartmentStatuses(withRefused([refused('sales', false)]), EARLIER).find(
      (u) => u.name === 'sales',
    );
    const again = staleDepartmentStatuses(withRefused([refused('sales', false, first?.status)]), NOW);
    expect(again.find((u) => u.name === 'sales')).toBeUndefined();
  });
});
