import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rawNamespace } from '@corral/cluster';
import { generatePair } from '../../../packages/runtime/src/tls/__fixtures__/openssl.js';
import { startFakeApiServer, type FakeApiServer } from '../fake-apiserver/index.js';
import { leaseHandler } from './fake-leases.js';
import { httpsCall, podReview, startAdmissionService, type Reply } from './support.js';

const send = (url: string, ca: Buffer, method: string, body?: unknown) =>
  httpsCall(url, { ca, method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });

describe('corral admission against a cluster (fake API server)', () => {
  let api: FakeApiServer;
  const leases = leaseHandler();
  beforeAll(async () => {
    api = await startFakeApiServer({ extra: leases.handler });
    api.upsert(rawNamespace('team-a', { 'corral.dev/department': 'team' }) as never);
    api.upsert({
      apiVersion: 'corral.dev/v1alpha1',
      kind: 'Department',
      metadata: { name: 'team' },
      spec: { quota: { hard: { pods: '3' } } },
    } as never);
  });
  afterAll(async () => api.close());

  it('given --kubeconfig, syncs, turns ready, and keeps quota reservations in a Lease', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'corral-adm-cluster-'));
    const pair = generatePair(dir, 5150);
    const { running, logs } = await startAdmissionService({
      api,
      token: 'secret-token',
      dir,
      flags: ['--tls-cert', pair.certFile, '--tls-key', pair.keyFile],
    });
    try {
      await vi.waitFor(
        async () => expect((await send(`${running.url}/readyz`, pair.cert, 'GET')).status).toBe(200),
        { timeout: 10_000, interval: 50 },
      );
      const spec = { containers: [{ name: 'a', image: 'x:1' }] };
      const answers = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          send(`${running.url}/validate`, pair.cert, 'POST', podReview('team-a', `p${i}`, spec)),
        ),
      );
      const allowed = answers.map((a) => (JSON.parse(a.text) as Reply).response.allowed);
      expect(allowed.filter(Boolean)).toHaveLength(3);
      const lease = leases.leases.get('corral-system/corral-quota-department-team') as
        { metadata: { annotations: Record<string, string> } } | undefined;
      expect(JSON.parse(lease?.metadata.annotations['corral.dev/quota-reservations'] ?? '[]')).toHaveLength(
        3,
      );
      expect(logs.text()).not.toContain('secret-token');
    } finally {
      await running.stop();
    }
  });

  it('given --policies with --kubeconfig, does not write Department status and says so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'corral-adm-hybrid-'));
    const pair = generatePair(dir, 5151);
    const earlier = api.requests.all().length;
    const { running, logs } = await startAdmissionService({
      api,
      token: 'secret-token',
      dir,
      flags: ['--policies', 'examples', '--tls-cert', pair.certFile, '--tls-key', pair.keyFile],
    });
    try {
      await vi.waitFor(
        async () => expect((await send(`${running.url}/readyz`, pair.cert, 'GET')).status).toBe(200),
        { timeout: 10_000, interval: 50 },
      );
      expect(logs.text()).toContain(
        'policy status not written: Departments and NamespacePolicies come from --policies files',
      );
      // No status-writer Lease election, no status PATCH.
      const requests = api.requests.all().slice(earlier);
      expect(requests.filter((r) => r.path.includes('status-writer') || r.method === 'PATCH')).toEqual([]);
    } finally {
      await running.stop();
    }
  });
});
