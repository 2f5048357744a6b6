import type { IncomingMessage, ServerResponse } from 'node:http';
import { policyStatusApi, startPolicyStatusWriter } from '@corral/admission';
import { createLogger, memoryDestination } from '@corral/runtime';
import { snapshotFromFiles } from '../../../plugins/admission/src/testing/example-snapshot.js';
import { fakeKubeConfig, startFakeApiServer, type FakeApiServer } from '../fake-apiserver/index.js';

const FINANCE = '/apis/corral.dev/v1alpha1/departments/finance/status';

describe('Department status writes while the API server fails (fake API server)', () => {
  /** The status code the next Department status PATCHes get; 200 records the write. */
  let answer = 200;
  const attempts: { path: string; code: number }[] = [];
  let api: FakeApiServer;
  beforeAll(async () => {
    api = await startFakeApiServer({
      extra: (req: IncomingMessage, res: ServerResponse, url: URL) => {
        if (req.method !== 'PATCH' || !url.pathname.startsWith('/apis/corral.dev/v1alpha1/')) return false;
        req.resume();
        req.on('end', () => {
          attempts.push({ path: url.pathname, code: answer });
          res.writeHead(answer, { 'content-type': 'application/json' });
          res.end(
            answer === 200 ? '{}' : `{"kind":"Status","apiVersion":"v1","status":"Failure","code":${answer}}`,
          );
        });
        return true;
      },
    });
  });
  afterAll(async () => api.close());

  it.each([503, 409])(
    'given status writes answered %i, retries on the next change without waiting out the backoff',
    async (code) => {
      attempts.length = 0;
      answer = code;
      const snapshot = await snapshotFromFiles();
      const writer = startPolicyStatusWriter({
        snapshot,
        api: await policyStatusApi(fakeKubeConfig(api.url, 't')),
        logger: createLogger({ level: 'silent', name: 't', destination: memoryDestination().stream }),
        delayMs: 20,
        retryMs: 60_000,
      });
      onTestFinished(() => writer.stop());
      await writer.flush();
      await writer.flush();
      const finance = () => attempts.filter((a) => a.path === FINANCE);
      // Two failed attempts, then the API answers again: the backoff is now 2 minutes.
      expect(finance().map((a) => a.code)).toEqual([code, code]);
      answer = 200;
      snapshot.upsert('Node', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'touch' } }, 'test');
      await vi.waitFor(() => expect(finance().at(-1)?.code).toBe(200), { timeout: 3_000 });
      // The other objects' writes of that pass may still be under way (a loaded machine): let the
      // pass end, then nothing more may come. Written once: no tight loop after the recovery.
      await writer.flush();
      const settled = attempts.length;
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(attempts).toHaveLength(settled);
    },
  );
});
