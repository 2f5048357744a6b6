// CreateVolume with a cluster (--kubeconfig) for a PVC namespace the controller's watch has not
// delivered yet: UNAVAILABLE (the provisioner retries) rather than a volume placed in the shared space
// as one of no department; once the namespace arrives, the volume goes to its department's storage.
import { status } from '@grpc/grpc-js';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cephCli } from '../../support/ceph.js';
import { fakeKubeConfig, startFakeApiServer, type FakeApiServer } from '../fake-apiserver/index.js';
import { createVolume, startHarness, type Harness } from './harness.js';
import { claimParameters } from './tenant-policies.js';

const MIB = 1024 * 1024;
const run = `${process.pid}-${Date.now() % 100000}`;
const alphaNs = `nsw-alpha-${run}`;
let server: FakeApiServer;
let dir: string;
let h: Harness;

const namespace = (name: string, department: string) => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name, labels: { 'corral.dev/department': department } },
});

async function waitFor(check: () => boolean, what: string): Promise<void> {
  const until = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const rbdLs = async (namespace: string) =>
  (await cephCli(h.ceph, ['rbd', 'ls', '--pool', h.ceph.pool, '--namespace', namespace])).stdout;

type VolumeRequest = Parameters<typeof createVolume>[1];

/** CreateVolume of `request`, retried (as the provisioner does) until it succeeds or 10 s pass. */
async function createWhenReady(request: VolumeRequest): Promise<Awaited<ReturnType<typeof createVolume>>> {
  const until = Date.now() + 10_000;
  for (;;) {
    try {
      return await createVolume(h, request);
    } catch (err) {
      if (Date.now() > until) throw err;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

beforeAll(async () => {
  server = await startFakeApiServer();
  dir = await mkdtemp(join(tmpdir(), 'corral-nsw-'));
  const kubeconfig = join(dir, 'kubeconfig');
  await writeFile(kubeconfig, fakeKubeConfig(server.url, 'controller-token').exportConfig());
  h = await startHarness({
    extraArgs: ['--kubeconfig', kubeconfig],
    cleanUp: { radosNamespaces: [alphaNs] },
  });
  server.upsert({
    apiVersion: 'corral.dev/v1alpha1',
    kind: 'Department',
    metadata: { name: 'alpha', creationTimestamp: '2026-01-01T00:00:00Z' },
    spec: { storage: { pool: h.ceph.pool, radosNamespace: alphaNs } },
  } as never);
  server.upsert(namespace('alpha-apps', 'alpha') as never);
});

afterAll(async () => {
  await h?.stop();
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('tenant placement with a cluster watch', () => {
  it('given a PVC namespace the watch has not delivered, answers UNAVAILABLE and makes nothing; once it arrives, places the volume in its department', async () => {
    // The department's known namespace is placed in its storage once the watch delivered it.
    const first = await createWhenReady({
      name: `pvc-known-${run}`,
      bytes: 4 * MIB,
      parameters: claimParameters('alpha-apps', 'known'),
    });
    expect(first.volume?.volume_context?.['radosNamespace']).toBe(alphaNs);

    // The watches lag: a namespace created now is not delivered.
    server.pauseWatches();
    const watchesBefore = server.requests.count({ path: '/api/v1/namespaces', watch: true });
    server.dropWatches();
    await waitFor(
      () => server.requests.count({ path: '/api/v1/namespaces', watch: true }) > watchesBefore,
      'namespace watch retried',
    );
    server.upsert(namespace('late-apps', 'alpha') as never);
    const sharedBefore = await rbdLs('');
    const alphaBefore = await rbdLs(alphaNs);
    const request = {
      name: `pvc-late-${run}`,
      bytes: 4 * MIB,
      parameters: claimParameters('late-apps', 'data'),
    };
    const err = await createVolume(h, request).catch((e: { code: number; details: string }) => e);
    expect(err).toMatchObject({ code: status.UNAVAILABLE });
    expect((err as { details: string }).details).toContain('namespace late-apps is not in the controller');
    expect(await rbdLs('')).toBe(sharedBefore);
    expect(await rbdLs(alphaNs)).toBe(alphaBefore);

    // Once it arrives, the retry places the volume in alpha's storage.
    server.resumeWatches();
    const made = await createWhenReady(request);
    expect(made.volume?.volume_context?.['radosNamespace']).toBe(alphaNs);
    expect(made.volume?.volume_context?.['department']).toBe('alpha');
  });
});
