import type { IncomingMessage, ServerResponse } from 'node:http';
import { policyStatusApi, startPolicyStatusWriter } from '@corral/admission';
import { createLogger, memoryDestination } from '@corral/runtime';
import { snapshotFromFiles } from '../../../plugins/admission/src/testing/example-snapshot.js';
import { flushOnce } from '../../support/flush-once.js';
import { fakeKubeConfig, startFakeApiServer, type FakeApiServer } from '../fake-apiserver/index.js';

interface Patch {
  path: string;
  contentType: string | undefined;
  body: unknown;
}

describe('Department status writer against a fake API server', () => {
  const patches: Patch[] = [];
  let api: FakeApiServer;
  beforeAll(async () => {
    api = await startFakeApiServer({
      extra: (req: IncomingMessage, res: ServerResponse, url: URL) => {
        if (req.method !== 'PATCH' || !url.pathname.startsWith('/apis/corral.dev/v1alpha1/departments/'))
          return false;
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          patches.push({
            path: url.pathname,
            contentType: req.headers['content-type'],
            body: JSON.parse(Buffer.concat(chunks).toString()),
          });
          res.writeHead(url.pathname.includes('/web/') ? 500 : 200, { 'content-type': 'application/json' });
          res.end('{}');
        });
        return true;
      },
    });
  });
  afterAll(async () => api.close());

  it('given stale statuses, patches each status subresource with namespaces and used; logs a failed write', async () => {
    const snapshot = await snapshotFromFiles();
    const logs = memoryDestination();
    await flushOnce(
      startPolicyStatusWriter({
        snapshot,
        api: await policyStatusApi(fakeKubeConfig(api.url, 't')),
        logger: createLogger({ level: 'info', name: 't', destination: logs.stream }),
        delayMs: 10,
      }),
    );
    expect(patches.map((p) => p.path).sort()).toEqual([
      '/apis/corral.dev/v1alpha1/departments/finance/status',
      '/apis/corral.dev/v1alpha1/departments/research/status',
      '/apis/corral.dev/v1alpha1/departments/web/status',
    ]);
    const finance = patches.find((p) => p.path.includes('/finance/'));
    expect(finance?.contentType).toMatch(/json-patch\+json/);
    expect(finance?.body).toEqual([
      {
        op: 'add',
        path: '/status',
        value: expect.objectContaining({ namespaces: ['finance-dev', 'finance-prod'] }),
      },
    ]);
    expect(
      logs.lines.some(
        (l) =>
          l['kind'] === 'Department' &&
          l['name'] === 'web' &&
          l['msg'] === 'could not write Department status',
      ),
    ).toBe(true);
  });
});
