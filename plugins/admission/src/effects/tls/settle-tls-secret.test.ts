import { renewalTime } from '../../decide/certificates.js';
import { inspectTlsMaterial } from './inspect-tls-material.js';
import { settleTlsSecret, type SettleOptions } from './settle-tls-secret.js';
import type { StoredTlsSecret, TlsSecretStore } from './tls-secret-client.js';
import type { TlsMaterial } from './tls-material.js';

const NAMES = ['svc.ns.svc'];
const T0 = Date.parse('2026-01-01T00:00:00Z');

/** A Secret in memory with resourceVersion semantics: stale writes and duplicate creates conflict. */
class MemoryStore implements TlsSecretStore {
  version = 0;
  current: StoredTlsSecret | undefined;
  writes = 0;
  /** Runs before each write answers: lets a test slip in another writer. */
  beforeWrite: (() => Promise<void>) | undefined;

  async get() {
    return this.current;
  }

  async create(material: TlsMaterial) {
    await this.beforeWrite?.();
    if (this.current) return 'conflict' as const;
    return this.store(material);
  }

  async replace(base: StoredTlsSecret, material: TlsMaterial) {
    await this.beforeWrite?.();
    if (base.secret.metadata?.resourceVersion !== this.current?.secret.metadata?.resourceVersion) {
      return 'conflict' as const;
    }
    return this.store(material);
  }

  private store(material: TlsMaterial): StoredTlsSecret {
    this.version += 1;
    this.writes += 1;
    this.current = { material, secret: { metadata: { resourceVersion: String(this.version) } } };
    return this.current;
  }
}

const options = (store: TlsSecretStore, now = T0): SettleOptions => ({
  store,
  policy: { dnsNames: NAMES, renewAtFraction: 2 / 3, caOverlapMs: 600_000 },
  issue: { dnsNames: NAMES, caName: 'ca', caValidityDays: 30, certValidityDays: 9 },
  now: () => now,
});

describe('settleTlsSecret', () => {
  it('given no Secret, creates it in one write and returns it settled', async () => {
    const store = new MemoryStore();
    const settled = await settleTlsSecret(options(store));
    expect(settled.steps).toEqual([
      { plan: expect.objectContaining({ kind: 'create' }), outcome: 'written' },
    ]);
    expect(store.writes).toBe(1);
    expect(settled.stored).toBe(store.current);
    // The serving certificate (9 days) is due at 2/3 of its lifetime: about day 6.
    const serving = settled.state.serving;
    expect(serving.ok && settled.recheckAt === renewalTime(serving.value)).toBe(true);
    expect(Math.abs(settled.recheckAt - (T0 + 6 * 86_400_000))).toBeLessThan(10 * 60_000);
  });

  it('given two replicas starting together, ends with one CA: the loser uses the winner’s Secret', async () => {
    const store = new MemoryStore();
    const [a, b] = await Promise.all([settleTlsSecret(options(store)), settleTlsSecret(options(store))]);
    expect(store.writes).toBe(1);
    expect(a.stored.material.caCert).toBe(b.stored.material.caCert);
    expect([...a.steps, ...b.steps].map((s) => s.outcome).sort()).toEqual(['conflict', 'written']);
  });

  it('given a Secret changed by someone else between read and write, re-reads and plans again', async () => {
    const store = new MemoryStore();
    await settleTlsSecret(options(store));
    const first = store.current;
    // 25 days on, the CA (30 days) is due; another replica rotates it while we are writing.
    const late = T0 + 25 * 86_400_000;
    let other = true;
    store.beforeWrite = async () => {
      if (!other) return;
      other = false;
      store.beforeWrite = undefined;
      await settleTlsSecret(options(store, late));
      store.beforeWrite = undefined;
    };
    const settled = await settleTlsSecret(options(store, late));
    expect(settled.steps[0]).toMatchObject({ plan: { kind: 'rotate-ca' }, outcome: 'conflict' });
    expect(settled.stored.material.caCert).not.toBe(first?.material.caCert);
    const state = inspectTlsMaterial(settled.stored.material);
    expect(state.bundle).toHaveLength(2);
  });

  it('given a store that keeps conflicting, gives up with a clear error', async () => {
    const store: TlsSecretStore = {
      get: async () => undefined,
      create: async () => 'conflict',
      replace: async () => 'conflict',
    };
    await expect(settleTlsSecret(options(store))).rejects.toThrow(/did not settle after 8 steps/);
  });
});
