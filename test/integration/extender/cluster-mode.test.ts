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

describe('extender with --kubeconfig', () => {
  it('given a cluster, becomes ready once synced and follows pods placed after it started', async () => {
    for (const dept of ['web', 'research']) {
      server.upsert(rawDepartment(dept) as never);
      server.upsert(rawNamespace(`${dept}-ns`, { 'corral.dev/department': dept }) as never);
    }
    server.upsert(rawNode('shared-1') as never);
    server.upsert(rawNode('shared-2') as never);
    const kubeconfig = join(dir, 'kubeconfig');
    await writeFile(kubeconfig, fakeKubeConfig(server.url, 'extender-token').exportConfig());

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

    expect((await filter('research-ns')).NodeNames).toEqual(['shared-1', 'shared-2']);
    // A web pod lands on shared-1 (seen through the watch): research may no longer go there.
    server.upsert(rawPod('web-ns', 'w1', { nodeName: 'shared-1', phase: 'Running' }) as never);
    await until(async () => (await filter('research-ns')).NodeNames.length === 1, 'the watch event');
    const answer = await filter('research-ns');
    expect(answer.NodeNames).toEqual(['shared-2']);
    expect(answer.FailedAndUnresolvableNodes?.['shared-1']).toMatch(/department web/);
    expect(logs.text()).not.toContain('extender-token');

    signals.emit('SIGTERM', 'SIGTERM');
    expect(await running.done).toBe(0);
  });
});
