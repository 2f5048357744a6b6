import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  openSnapshot,
  rawDepartment,
  rawNamespace,
  rawNode,
  rawPod,
  type OpenedSnapshot,
} from '@corral/cluster';
import { createLogger, memoryDestination } from '@corral/runtime';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { fakeKubeConfig, startFakeApiServer, type FakeApiServer } from './fake-apiserver/index.js';

const opened: OpenedSnapshot[] = [];
const servers: FakeApiServer[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const o of opened.splice(0)) await o.stop();
  for (const s of servers.splice(0)) await s.close();
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function policyDir(objects: readonly Record<string, unknown>[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'corral-open-'));
  dirs.push(dir);
  await writeFile(join(dir, 'cluster.yaml'), objects.map((o) => stringify(o)).join('---\n'));
  return dir;
}

async function until(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function readinessLog() {
  const state = new Map<string, boolean>();
  return { state, set: (name: string, ok: boolean) => state.set(name, ok) };
}

describe('openSnapshot', () => {
  it('given only policy files, serves every kind from them and reports the files ready', async () => {
    const dir = await policyDir([
      rawDepartment('finance'),
      rawNamespace('finance-prod', { 'corral.dev/department': 'finance' }),
      rawNode('n1'),
      rawPod('finance-prod', 'p1', { nodeName: 'n1', requests: { cpu: '250m' } }),
    ]);
    const readiness = readinessLog();
    const logger = createLogger({ level: 'info', name: 'test', destination: memoryDestination().stream });
    const o = await openSnapshot({ policies: dir, logger, readiness: readiness.set, watchFiles: false });
    opened.push(o);
    expect(o.snapshot.departmentOfNamespace('finance-prod')).toBe('finance');
    expect(o.snapshot.departmentsOnNode('n1').get('finance')).toBe(1);
    expect(o.snapshot.usageOfDepartment('finance').get('requests.cpu')).toBe(250_000_000n);
    expect(readiness.state.get('policy-files')).toBe(true);
  });

  it('given neither files nor a cluster, refuses to open', async () => {
    const logger = createLogger({ level: 'info', name: 'test', destination: memoryDestination().stream });
    await expect(openSnapshot({ logger })).rejects.toThrow(/policies or a kubeConfig/);
  });

  it('given a cluster, is not ready until every informer synced, then follows watch events', async () => {
    const server = await startFakeApiServer();
    servers.push(server);
    server.upsert(rawNamespace('web-prod', { 'corral.dev/department': 'web' }) as never);
    server.upsert(rawDepartment('web') as never);
    server.upsert(rawNode('n1') as never);
    const readiness = readinessLog();
    const logger = createLogger({ level: 'info', name: 'test', destination: memoryDestination().stream });
    const o = await openSnapshot({
      kubeConfig: fakeKubeConfig(server.url, 't0ken'),
      logger,
      readiness: readiness.set,
    });
    opened.push(o);
    await until(
      () => [...readiness.state.values()].every(Boolean) && readiness.state.size === 6,
      'all informers synced',
    );
    expect(o.snapshot.departmentOfNamespace('web-prod')).toBe('web');
    server.upsert(rawPod('web-prod', 'p1', { nodeName: 'n1', requests: { cpu: '1' } }) as never);
    await until(() => o.snapshot.departmentsOnNode('n1').get('web') === 1, 'the pod to arrive by watch');
    expect(o.snapshot.usageOfNamespace('web-prod').get('pods')).toBe(1_000_000_000n);
  });

  it('given files and a cluster, takes policies from the files and everything else from the cluster', async () => {
    const server = await startFakeApiServer();
    servers.push(server);
    server.upsert(rawNamespace('research-ml', { 'corral.dev/department': 'research' }) as never);
    server.upsert(rawDepartment('cluster-only') as never);
    const dir = await policyDir([rawDepartment('research')]);
    const readiness = readinessLog();
    const logger = createLogger({ level: 'info', name: 'test', destination: memoryDestination().stream });
    const o = await openSnapshot({
      policies: dir,
      kubeConfig: fakeKubeConfig(server.url, 't0ken'),
      logger,
      readiness: readiness.set,
      watchFiles: false,
    });
    opened.push(o);
    await until(() => o.snapshot.namespace('research-ml') !== undefined, 'namespaces from the cluster');
    expect(o.snapshot.departmentOfNamespace('research-ml')).toBe('research');
    expect(o.snapshot.department('cluster-only')).toBeUndefined();
    expect(server.requests.count({ path: '/apis/corral.dev/v1alpha1/departments' })).toBe(0);
  });
});
