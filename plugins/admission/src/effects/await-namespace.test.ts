import { rawNamespace, SnapshotStore } from '@corral/cluster';
import { awaitNamespace } from './await-namespace.js';

describe('awaitNamespace', () => {
  it('given a known namespace, resolves true at once', async () => {
    const store = new SnapshotStore();
    store.replaceAll('Namespace', [rawNamespace('team')], 'test');
    expect(await awaitNamespace(store, 'team', 0)).toBe(true);
  });

  it('given a namespace applied during the wait, resolves true then', async () => {
    const store = new SnapshotStore();
    const started = Date.now();
    setTimeout(() => store.upsert('Namespace', rawNamespace('team'), 'test'), 20);
    expect(await awaitNamespace(store, 'team', 5000)).toBe(true);
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it('given another namespace applied, keeps waiting; given none, resolves false after the wait', async () => {
    const store = new SnapshotStore();
    setTimeout(() => store.upsert('Namespace', rawNamespace('other'), 'test'), 5);
    const started = Date.now();
    expect(await awaitNamespace(store, 'team', 60)).toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
  });

  it('given an aborted signal, resolves false without waiting', async () => {
    const store = new SnapshotStore();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 10);
    const started = Date.now();
    expect(await awaitNamespace(store, 'team', 5000, controller.signal)).toBe(false);
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it('given no wait, resolves false at once for an unknown namespace', async () => {
    expect(await awaitNamespace(new SnapshotStore(), 'team', 0)).toBe(false);
  });
});
