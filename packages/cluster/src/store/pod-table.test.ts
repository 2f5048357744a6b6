import type { PodView } from '../views/pod-view.js';
import { PodTable } from './pod-table.js';

const view = (namespace: string, name: string, uid = `${namespace}-${name}`): PodView => ({
  uid,
  namespace,
  name,
  phase: 'Pending',
  labels: {},
  terminal: false,
  requests: new Map(),
  limits: new Map(),
  carriesGpuRequest: false,
});

describe('PodTable', () => {
  it('given pods of several namespaces, finds each by namespace and name, or by its namespace/name key', () => {
    const table = new PodTable();
    const pods = [view('ns', 'a'), view('ns', 'b'), view('other', 'a')];
    for (const pod of pods) table.set(pod);
    expect(table.size).toBe(3);
    expect(table.get('other', 'a')).toBe(pods[2]);
    expect(table.byKey('ns/b')).toBe(pods[1]);
    expect([table.get('ns', 'c'), table.get('none', 'a'), table.byKey('ns'), table.byKey('')]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect([...table.values()]).toEqual(pods);
    expect([...table.keys()]).toEqual(['ns/a', 'ns/b', 'other/a']);
  });

  it('given a pod set again, replaces it without counting it twice; deleted, it is gone', () => {
    const table = new PodTable();
    table.set(view('ns', 'a'));
    const again = view('ns', 'a', 'new-uid');
    table.set(again);
    expect(table.size).toBe(1);
    expect(table.get('ns', 'a')).toBe(again);
    expect(table.delete(view('ns', 'a'))).toBe(true);
    expect(table.delete(view('ns', 'a'))).toBe(false);
    expect(table.size).toBe(0);
    expect([...table.keys()]).toEqual([]);
  });
});
