import type { IncomingMessage, ServerResponse } from 'node:http';
import { policyStatusApi, startPolicyStatusWriter } from '@corral/admission';
import { openSnapshot, rawDepartment, rawNamespace, type OpenedSnapshot } from '@corral/cluster';
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

describe('Department status.observedGeneration against a fake API server', () => {
  const PATH = '/apis/corral.dev/v1alpha1/departments/team';
  const WAIT = { timeout: 15_000, interval: 50 };
  let api: FakeApiServer;
  let opened: OpenedSnapshot | undefined;
  beforeAll(async () => {
    api = await startFakeApiServer();
    api.upsert(rawNamespace('team-a', { 'corral.dev/department': 'team' }) as never);
  });
  afterAll(async () => {
    await opened?.stop();
    await api.close();
  });

  interface Stored {
    metadata: { generation?: number };
    status?: { observedGeneration?: number; namespaces?: string[] };
  }
  const stored = async () => (await (await fetch(`${api.url}${PATH}`)).json()) as Stored;
  const observed = async () => (await stored()).status?.observedGeneration;
  const statusWrites = () =>
    api.requests.all({ path: `${PATH}/status` }).filter((r) => r.method === 'PATCH').length;
  /** Stores the Department as a client would: this generation, this status. */
  const store = (generation: number, status: object) =>
    api.upsert({ ...rawDepartment('team'), metadata: { name: 'team', generation }, status } as never);

  it('writes metadata.generation into status.observedGeneration, and corrects a hand-edited value', async () => {
    const logger = createLogger({ level: 'warn', name: 't', destination: memoryDestination().stream });
    const ready = await openSnapshot({ kubeConfig: fakeKubeConfig(api.url, 't'), logger });
    opened = ready;
    await vi.waitFor(() => expect(ready.synced()).toBe(true), WAIT);
    const writer = startPolicyStatusWriter({
      snapshot: ready.snapshot,
      api: await policyStatusApi(fakeKubeConfig(api.url, 't')),
      logger,
      delayMs: 20,
      synced: () => ready.synced(),
    });
    try {
      // A value written by hand (or by an older Corral) below the generation: kstatus says InProgress.
      store(3, { observedGeneration: 1 });
      await vi.waitFor(async () => expect(await observed()).toBe(3), WAIT);
      expect((await stored()).status?.namespaces).toEqual(['team-a']);

      // Edited by hand again, the rest of the status current: Corral writes the generation back.
      const current = (await stored()).status;
      store(3, { ...current, observedGeneration: 99 });
      await vi.waitFor(async () => expect(await observed()).toBe(3), WAIT);

      // A new spec (generation 4): observedGeneration follows.
      store(4, { ...current });
      await vi.waitFor(async () => expect(await observed()).toBe(4), WAIT);

      // Once current, nothing more is written.
      await vi.waitFor(
        () => expect(ready.snapshot.department('team')?.status?.observedGeneration).toBe(4),
        WAIT,
      );
      const writes = statusWrites();
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(statusWrites()).toBe(writes);
    } finally {
      writer.stop();
    }
  }, 40_000);
});
