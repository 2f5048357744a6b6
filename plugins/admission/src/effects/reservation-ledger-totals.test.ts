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
