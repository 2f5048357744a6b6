// The extender against a cluster: informers on the fake API server, readiness, and watch-driven decisions.
import { EventEmitter } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rawDepartment, rawNamespace, rawNode, rawPod } from '@corral/cluster';
import { memoryDestination, type ProcessLike } from '@corral/runtime';
import { loadExtenderConfig, runExtender } from '@corral/scheduler-extender';
import { fakeKubeConfig, startFakeApiServer, type FakeApiServer } from '../fake-apiserver/index.js';

let server: FakeApiServer;
let dir: string;

beforeAll(async () => {
  server = await startFakeApiServer();
  dir = await mkdtemp(join(tmpdir(), 'corral-extender-cluster-'));
});

afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  const end = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function startExtender(token: string) {
  const kubeconfig = join(dir, 'kubeconfig');
  await writeFile(kubeconfig, fakeKubeConfig(server.url, token).exportConfig());
  const signals = new EventEmitter();
  const proc: ProcessLike = {
    on: (s, l) => signals.on(s, l),
    off: (s, l) => signals.off(s, l),
    exit: () => undefined,
  };
  const config = loadExtenderConfig(['--kubeconfig', kubeconfig, '--listen', '127.0.0.1:0'], {
    CORRAL_EXTENDER_DRAIN_DELAY_MS: '0',
  });
  const logs = memoryDestination();
  const running = await runExtender(config, dir, { process: proc, destination: logs.stream });
  const base = `http://${running.address}`;
  await until(async () => (await fetch(`${base}/readyz`)).status === 200, '/readyz');
  const filter = async (namespace: string) =>
    (await (
      await fetch(`${base}/scheduler/filter`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          Pod: { metadata: { name: 'new', namespace }, spec: { containers: [{ name: 'a' }] } },
          NodeNames: ['shared-1', 'shared-2'],
        }),
      })
    ).json()) as { NodeNames: string[]; FailedAndUnresolvableNodes?: Record<string, string> };
  const stop = async () => {
    signals.emit('SIGTERM', 'SIGTERM');
    return running.done;
  };
  return { filter, logs, stop };
}

describe('extender with --kubeconfig', () => {
  beforeAll(() => {
    for (const dept of ['web', 'research']) {
      server.upsert(rawDepartment(dept) as never);
      server.upsert(rawNamespace(`${dept}-ns`, { 'corral.dev/department': dept }) as never);
    }
    server.upsert(rawNode('shared-1') as never);
    server.upsert(rawNode('shared-2') as never);
  });

  it('given a cluster, becomes ready once synced and follows pods placed after it started', async () => {
    const { filter, logs, stop } = await startExtender('extender-token');
    expect((await filter('research-ns')).NodeNames).toEqual(['shared-1', 'shared-2']);
    // A web pod lands on shared-1 (seen through the watch): research may no longer go there.
    server.upsert(rawPod('web-ns', 'w1', { nodeName: 'shared-1', phase: 'Running' }) as never);
    await until(async () => (await filter('research-ns')).NodeNames.length === 1, 'the watch event');
    const answer = await filter('research-ns');
    expect(answer.NodeNames).toEqual(['shared-2']);
    expect(answer.FailedAndUnresolvableNodes?.['shared-1']).toMatch(/department web/);
    expect(logs.text()).not.toContain('extender-token');
    expect(await stop()).toBe(0);
    server.remove({ apiVersion: 'v1', kind: 'Pod', metadata: { namespace: 'web-ns', name: 'w1' } });
  });

  it('given more pods than a LIST page, reads them in pages of 500 (limit/continue), all of them', async () => {
    const pods = 1_100;
    for (let i = 0; i < pods; i++) {
      // Only the very last pod is on a node: it arrives on the third page.
      const nodeName = i === pods - 1 ? { nodeName: 'shared-2' } : {};
      server.upsert(rawPod('web-ns', `bulk-${i}`, { phase: 'Pending', ...nodeName }) as never);
    }
    const listsBefore = server.requests.count({ path: '/api/v1/pods', watch: false });
    const { filter, stop } = await startExtender('paging-token');
    const lists = server.requests.all({ path: '/api/v1/pods', watch: false }).slice(listsBefore);
    expect(lists.map((request) => request.query['limit'])).toEqual(['500', '500', '500']);
    expect(lists.map((request) => request.query['continue'] !== undefined)).toEqual([false, true, true]);
    expect((await filter('research-ns')).NodeNames).toEqual(['shared-1']);
    expect(await stop()).toBe(0);
  });
});
