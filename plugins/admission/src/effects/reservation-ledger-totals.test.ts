import { ScopeTotals } from './reservation-ledger-totals.js';

const usage = (entries: Record<string, bigint>) => new Map(Object.entries(entries));

describe('ScopeTotals', () => {
  it('given usage added to scopes, sums it per scope and copies out', () => {
    const totals = new ScopeTotals();
    totals.apply(['namespace/a', 'department/d'], usage({ pods: 1n, 'requests.cpu': 5n }), 1n);
    totals.apply(['department/d'], usage({ pods: 2n }), 1n);
    expect(totals.copyOf('department/d')).toEqual(usage({ pods: 3n, 'requests.cpu': 5n }));
    expect(totals.copyOf('namespace/a', usage({ pods: 1n }))).toEqual(usage({ 'requests.cpu': 5n }));
    expect(totals.copyOf('namespace/none')).toEqual(new Map());
    totals.copyOf('department/d').clear();
    expect(totals.copyOf('department/d').size).toBe(2);
  });

  it('given totals back to zero, deletes the resource and then the scope', () => {
    const totals = new ScopeTotals();
    totals.apply(['namespace/a'], usage({ pods: 1n, 'requests.cpu': 5n }), 1n);
    totals.apply(['namespace/a'], usage({ pods: 1n }), -1n);
    expect([...totals.copyOf('namespace/a').keys()]).toEqual(['requests.cpu']);
    expect(totals.scopeCount).toBe(1);
    totals.apply(['namespace/a'], usage({ 'requests.cpu': 5n }), -1n);
    expect(totals.scopeCount).toBe(0);
    totals.apply(['namespace/b'], usage({ pods: 0n }), 1n);
    expect(totals.scopeCount).toBe(0);
  });
});

describe('ScopeTotals, idle scopes', () => {
  it('given a scope back at zero, reads nothing there and adds to it again exactly', () => {
    const totals = new ScopeTotals();
    for (let i = 0; i < 3; i++) {
      totals.apply(['namespace/a'], usage({ pods: 1n, 'requests.cpu': 5n }), 1n);
      expect(totals.copyOf('namespace/a')).toEqual(usage({ pods: 1n, 'requests.cpu': 5n }));
      totals.apply(['namespace/a'], usage({ pods: 1n, 'requests.cpu': 5n }), -1n);
      expect(totals.copyOf('namespace/a')).toEqual(new Map());
      expect(totals.scopeCount).toBe(0);
    }
  });

  it('given many scopes gone back to zero, holds at most 256 of them', () => {
    const totals = new ScopeTotals();
    totals.apply(['namespace/kept'], usage({ pods: 1n }), 1n);
    for (let i = 0; i < 1000; i++) {
      totals.apply([`namespace/n${i}`], usage({ pods: 1n }), 1n);
      totals.apply([`namespace/n${i}`], usage({ pods: 1n }), -1n);
    }
    expect(totals.heldScopeCount).toBeLessThanOrEqual(257);
    expect(totals.scopeCount).toBe(1);
    expect(totals.copyOf('namespace/kept')).toEqual(usage({ pods: 1n }));
  });
});
