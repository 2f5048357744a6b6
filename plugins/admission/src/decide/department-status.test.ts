import { snapshotFromFiles } from '../testing/example-snapshot.js';
import { staleDepartmentStatuses } from './department-status.js';

const snapshot = await snapshotFromFiles();

describe('staleDepartmentStatuses', () => {
  it('given departments without status, returns each with its namespaces and pooled usage', () => {
    const updates = staleDepartmentStatuses(snapshot);
    expect(updates.map((u) => u.name).sort()).toEqual(['finance', 'research', 'web']);
    const finance = updates.find((u) => u.name === 'finance');
    expect(finance?.status.namespaces).toEqual(['finance-dev', 'finance-prod']);
    expect(finance?.status.used?.['requests.cpu']).toBe('4'); // examples/README.md: cpu 4 / 32
    expect(finance?.status.used?.['pods']).toBe('6');
  });

  it('given statuses already current, returns nothing; other status fields are kept', () => {
    const updates = staleDepartmentStatuses(snapshot);
    const current = {
      departments: () =>
        [...snapshot.departments()].map((d) => ({
          ...d,
          status: { ...updates.find((u) => u.name === d.metadata.name)?.status, observedGeneration: 3 },
        })),
      namespacesOfDepartment: (d: string) => snapshot.namespacesOfDepartment(d),
      usageOfDepartment: (d: string) => snapshot.usageOfDepartment(d),
    };
    expect(staleDepartmentStatuses(current)).toEqual([]);
  });
});
