// A start that fails after the informers started (the port taken) stops them: no watch stays open.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rawNode } from '@corral/cluster';
import { memoryDestination, type ProcessLike } from '@corral/runtime';
import { loadExtenderConfig, runExtender } from '@corral/scheduler-extender';
import { fakeKubeConfig, startFakeApiServer, type FakeApiServer } from '../fake-apiserver/index.js';

let server: FakeApiServer;
let taken: Server;
let dir: string;

beforeAll(async () => {
  server = await startFakeApiServer();
  server.upsert(rawNode('shared-1') as never);
  dir = await mkdtemp(join(tmpdir(), 'corral-extender-failed-start-'));
  taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  await new Promise((resolve) => taken.close(resolve));
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('runExtender with its port taken', () => {
  it('rejects with EADDRINUSE and leaves no watch of the API server open nor any listener behind', async () => {
    const kubeconfig = join(dir, 'kubeconfig');
    await writeFile(kubeconfig, fakeKubeConfig(server.url, 'token').exportConfig());
    const port = (taken.address() as AddressInfo).port;
    const config = loadExtenderConfig(['--kubeconfig', kubeconfig, '--listen', `127.0.0.1:${port}`], {});
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
