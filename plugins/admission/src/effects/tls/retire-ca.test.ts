/**
 * The revoke switch with real certificates: a request taken up and the CA replaced in the settle loop
 * (one retirement however many replicas race for it), the retired CA dropped at its time and never
 * taken back from the caBundles, and the annotations written through the Secret client.
 */
import { X509Certificate } from 'node:crypto';
import type { V1Secret } from '@kubernetes/client-node';
import { parseRetiredCas } from '../../decide/ca-retirement.js';
import { inspectTlsMaterial } from './inspect-tls-material.js';
import { createCertificateAuthority } from './issue-certificates.js';
import { nextTlsMaterial } from './next-tls-material.js';
import { settleTlsSecret, type SettleOptions } from './settle-tls-secret.js';
import { certificateBlocks, type TlsMaterial } from './tls-material.js';
import {
  TlsSecretClient,
  type SecretApi,
  type StoredTlsSecret,
  type TlsSecretStore,
} from './tls-secret-client.js';

const MINUTE = 60_000;
const NAMES = ['svc.ns.svc'];
const T0 = Date.parse('2026-01-01T00:00:00Z');
const issue = { dnsNames: NAMES, caName: 'ca', caValidityDays: 30, certValidityDays: 9 };
const fingerprints = (pem: string | undefined) =>
  certificateBlocks(pem).map((block) => new X509Certificate(block).fingerprint256);

/** A Secret in memory with resourceVersion semantics. */
class MemoryStore implements TlsSecretStore {
  version = 0;
  current: StoredTlsSecret | undefined;
  async get() {
    return this.current;
  }
  async create(material: TlsMaterial) {
    await Promise.resolve();
    return this.current ? ('conflict' as const) : this.store(material);
  }
  async replace(base: StoredTlsSecret, material: TlsMaterial) {
    await Promise.resolve();
    if (base.secret.metadata?.resourceVersion !== this.current?.secret.metadata?.resourceVersion) {
      return 'conflict' as const;
    }
    return this.store(material);
  }
  /** What the admin does with kubectl annotate: a new version of the Secret. */
  annotate(request: string) {
    if (this.current) this.store({ ...this.current.material, retireRequest: request });
  }
  private store(material: TlsMaterial): StoredTlsSecret {
    this.version += 1;
    this.current = { material, secret: { metadata: { resourceVersion: String(this.version) } } };
    return this.current;
  }
}

const options = (store: TlsSecretStore, now: number, extra: Partial<SettleOptions> = {}): SettleOptions => ({
  store,
  policy: { dnsNames: NAMES, renewAtFraction: 2 / 3, caOverlapMs: 10 * MINUTE },
  issue,
  now: () => now,
  ...extra,
});

async function runningSecret() {
  const store = new MemoryStore();
  await settleTlsSecret(options(store, T0));
  const old = store.current?.material.caCert ?? '';
  return { store, old, oldFingerprint: new X509Certificate(old).fingerprint256 };
}

describe('retiring a CA through the settle loop', () => {
  it('given `current`, records the CA, clears the request and replaces the CA, the old one still in the bundle', async () => {
    const { store, old, oldFingerprint } = await runningSecret();
    store.annotate('current');
    const settled = await settleTlsSecret(options(store, T0 + MINUTE));
    expect(settled.steps.map((s) => [s.plan.kind, s.outcome])).toEqual([
      ['retire-ca', 'written'],
      ['replace-ca', 'written'],
    ]);
    const material = settled.stored.material;
    expect(material.retireRequest).toBeUndefined();
    expect(parseRetiredCas(material.retiredCas).retired).toEqual([
      { fingerprint256: oldFingerprint, retiredAt: T0 + MINUTE },
    ]);
    expect(material.caCert).not.toBe(old);
    const newFingerprint = new X509Certificate(material.caCert ?? '').fingerprint256;
    expect(fingerprints(material.bundle)).toEqual([newFingerprint, oldFingerprint]);
    expect(
      new X509Certificate(material.cert ?? '').checkIssued(new X509Certificate(material.caCert ?? '')),
    ).toBe(true);
    expect(material.caRotatedAt).toBe(new Date(T0 + MINUTE).toISOString());
    // Looks again when the retired CA is to leave: twice the overlap on.
    expect(settled.recheckAt).toBe(T0 + 21 * MINUTE);
  });

  it('given replicas racing for the same request, retires and replaces the CA once', async () => {
    const { store, oldFingerprint } = await runningSecret();
    store.annotate('current');
    const results = await Promise.all([1, 2, 3].map(() => settleTlsSecret(options(store, T0 + MINUTE))));
    const written = results.flatMap((r) => r.steps).filter((s) => s.outcome === 'written');
    expect(written.map((s) => s.plan.kind).sort()).toEqual(['replace-ca', 'retire-ca']);
    const material = store.current?.material;
    expect(parseRetiredCas(material?.retiredCas).retired.map((r) => r.fingerprint256)).toEqual([
      oldFingerprint,
    ]);
    expect(fingerprints(material?.bundle)).toHaveLength(2);
    expect(new Set(results.map((r) => r.stored.material.caCert)).size).toBe(1);
  });

  it('drops the retired CA at twice the overlap, and a regenerated Secret never takes it back from the caBundles', async () => {
    const { store, old, oldFingerprint } = await runningSecret();
    store.annotate(oldFingerprint.toLowerCase().replace(/:/g, ''));
    await settleTlsSecret(options(store, T0 + MINUTE));
    const early = await settleTlsSecret(options(store, T0 + 20 * MINUTE));
    expect(early.steps).toEqual([]);
    const dropped = await settleTlsSecret(options(store, T0 + 21 * MINUTE));
    expect(dropped.steps.map((s) => s.plan)).toEqual([
      expect.objectContaining({ kind: 'update-bundle', retired: [oldFingerprint] }),
    ]);
    const current = dropped.stored.material;
    expect(fingerprints(current.bundle)).not.toContain(oldFingerprint);
    expect(parseRetiredCas(current.retiredCas).retired).toHaveLength(1); // remembered

    // The CA key breaks while a caBundle still holds the retired CA (its patch not sent yet).
    const other = await createCertificateAuthority({
      commonName: 'other',
      validityDays: 30,
      now: new Date(T0),
    });
    const broken = { ...current, caKey: other.keyPem };
    const regenerated = await nextTlsMaterial(
      { kind: 'regenerate', reason: '' },
      broken,
      issue,
      new Date(T0 + 22 * MINUTE),
      [old, current.bundle, other.certPem].join('\n'),
    );
    const kept = fingerprints(regenerated.bundle);
    expect(kept).not.toContain(oldFingerprint);
    expect(kept).toContain(new X509Certificate(other.certPem).fingerprint256);
    expect(kept).toContain(fingerprints(current.bundle)[0]);
    expect(regenerated.retiredCas).toBe(current.retiredCas);
  });

  it('given a request naming a CA the bundle does not hold, records it and changes no certificate', async () => {
    const { store } = await runningSecret();
    const before = store.current?.material;
    store.annotate(`sha256:${'0f'.repeat(32)}`);
    const settled = await settleTlsSecret(options(store, T0 + MINUTE));
    expect(settled.steps.map((s) => s.plan.kind)).toEqual(['retire-ca']);
    const after = settled.stored.material;
    expect(after.retireRequest).toBeUndefined();
    expect([after.caCert, after.cert, after.bundle]).toEqual([before?.caCert, before?.cert, before?.bundle]);
    expect(inspectTlsMaterial(after).retired).toEqual([
      { fingerprint256: Array(32).fill('0F').join(':'), retiredAt: T0 + MINUTE },
    ]);
  });

  it('given an unreadable request, leaves it (and everything else) as it is', async () => {
    const { store } = await runningSecret();
    store.annotate('curent');
    const settled = await settleTlsSecret(options(store, T0 + MINUTE));
    expect(settled.steps).toEqual([]);
    expect(settled.state.retireRequest).toMatchObject({ ok: false });
  });
});

describe('TlsSecretClient and the retirement annotations', () => {
  it('removes the request, writes the retired CAs and keeps every other annotation', async () => {
    let stored: V1Secret = {
      metadata: {
        name: 's',
        namespace: 'ns',
        resourceVersion: '7',
        annotations: { 'corral.dev/retire-ca': 'current', 'example.com/keep': 'yes' },
      },
      data: {},
    };
    const api = {
      readNamespacedSecret: async () => stored,
      replaceNamespacedSecret: async ({ body }: { body: V1Secret }) => {
        stored = body;
        return body;
      },
    } as unknown as SecretApi;
    const client = new TlsSecretClient(api, 'ns', 's');
    const read = await client.get();
    expect(read?.material.retireRequest).toBe('current');
    const { retireRequest: _gone, ...rest } = read?.material ?? {};
    await client.replace(read as StoredTlsSecret, {
      ...rest,
      retiredCas: '{"AB":"2026-01-01T00:00:00.000Z"}',
    });
    expect(stored.metadata?.annotations).toEqual({
      'example.com/keep': 'yes',
      'corral.dev/retired-cas': '{"AB":"2026-01-01T00:00:00.000Z"}',
    });
  });
});
