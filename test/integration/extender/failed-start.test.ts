// A start that fails after the informers started (the port taken) stops them: no watch stays open.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rawNode } from '@corral/cluster';
import { memoryDestination, type ProcessLike } from '@corral/runtime';
import { loadExtenderConfig, runExtender } from '@corral/scheduler-extender';
import { takePort, type TakenPort } from '../../support/taken-port.js';
import { fakeKubeConfig, startFakeApiServer, type FakeApiServer } from '../fake-apiserver/index.js';

let server: FakeApiServer;
let taken: TakenPort;
let dir: string;

beforeAll(async () => {
  server = await startFakeApiServer();
  server.upsert(rawNode('shared-1') as never);
  dir = await mkdtemp(join(tmpdir(), 'corral-extender-failed-start-'));
  taken = await takePort();
});

afterAll(async () => {
  await taken?.release();
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('runExtender with its port taken', () => {
  it('rejects with EADDRINUSE and leaves no watch of the API server open nor any listener behind', async () => {
    const kubeconfig = join(dir, 'kubeconfig');
    await writeFile(kubeconfig, fakeKubeConfig(server.url, 'token').exportConfig());
    const config = loadExtenderConfig(['--kubeconfig', kubeconfig, '--listen', taken.address], {});
    const listeners: string[] = [];
    const proc: ProcessLike = {
      on: (signal) => void listeners.push(signal),
      off: () => undefined,
      exit: () => undefined,
    };
    await expect(
      runExtender(config, dir, { process: proc, destination: memoryDestination().stream }),
    ).rejects.toThrow(/EADDRINUSE/);
    // The informers had started before the listen failed (left running, they list and then watch
    // every kind): stopped, they open no watch and send no request any more.
    const requests = server.requests.count({});
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(server.openWatches()).toBe(0);
    expect(server.requests.count({})).toBe(requests);
    expect(listeners).toEqual([]);
  });
});
