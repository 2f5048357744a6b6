// A start that fails after the watches, the status writer's leader election and the Events recorder
// started (the port taken) stops them all: nothing keeps talking to the API server.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventEmitter } from 'node:events';
import { commands, startAdmission } from '@corral/admission';
import { rawNamespace } from '@corral/cluster';
import { memoryDestination } from '@corral/runtime';
import { takePort, type TakenPort } from '../../support/taken-port.js';
import { fakeKubeConfig, startFakeApiServer, type FakeApiServer } from '../fake-apiserver/index.js';
import { leaseHandler } from './fake-leases.js';

let api: FakeApiServer;
let taken: TakenPort;
let dir: string;

beforeAll(async () => {
  api = await startFakeApiServer({ extra: leaseHandler().handler });
  api.upsert(rawNamespace('team-a', { 'corral.dev/department': 'team' }) as never);
  dir = mkdtempSync(join(tmpdir(), 'corral-adm-failed-start-'));
  writeFileSync(join(dir, 'kubeconfig'), fakeKubeConfig(api.url, 'token').exportConfig());
  taken = await takePort();
});

afterAll(async () => {
  await taken?.release();
  await api?.close();
  rmSync(dir, { recursive: true, force: true });
});

const flags = () => ['--kubeconfig', join(dir, 'kubeconfig'), '--listen', taken.address];

/** Waits a while and says whether the API server saw no request and holds no watch meanwhile. */
async function quietFor(ms: number): Promise<{ watches: number; requests: number }> {
  const before = api.requests.count({});
  await new Promise((resolve) => setTimeout(resolve, ms));
  return { watches: api.openWatches(), requests: api.requests.count({}) - before };
}

describe('corral admission with its port taken, against a cluster', () => {
  it('startAdmission rejects with EADDRINUSE, and no watch, Lease renewal or signal listener remains', async () => {
    const proc = Object.assign(new EventEmitter(), { exit: () => undefined });
    const started = startAdmission(
      flags(),
      { stdout: () => undefined, stderr: () => undefined, env: {}, cwd: dir },
      {
        process: proc,
        logDestination: memoryDestination().stream,
      },
    );
    await expect(started).rejects.toThrow(/EADDRINUSE/);
    expect(await quietFor(1_500)).toEqual({ watches: 0, requests: 0 });
    expect(proc.listenerCount('SIGTERM')).toBe(0);
  });

  it('corral admission says it cannot start and why, and exits 1 (2 is for bad flags and policy files)', async () => {
    const err: string[] = [];
    const io = { stdout: () => undefined, stderr: (t: string) => void err.push(t), env: {}, cwd: dir };
    expect(await commands.admission(flags(), io)).toBe(1);
    expect(err.join('')).toMatch(/^corral admission: cannot start: listen EADDRINUSE/);
    expect(await quietFor(1_000)).toEqual({ watches: 0, requests: 0 });
  });
});
