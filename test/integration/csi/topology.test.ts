// NodeGetInfo topology: the node plugin reads its Node object once and reports the configured labels.
import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rawNode } from '@corral/cluster';
import { loadCsiConfig } from '@corral/csi-ceph';
import { fakeKubeConfig, startFakeApiServer, type FakeApiServer } from '../fake-apiserver/index.js';
import { call, startHarness, type Harness } from './harness.js';

let server: FakeApiServer;
let dir: string;
let kubeconfig: string;
const harnesses: Harness[] = [];

beforeAll(async () => {
  server = await startFakeApiServer();
  const node = rawNode('node-a') as { metadata: { labels?: Record<string, string> } };
  node.metadata.labels = { ...node.metadata.labels, 'topology.kubernetes.io/zone': 'eu-west-1a', rack: 'r7' };
  server.upsert(node as never);
  dir = await mkdtemp(join(tmpdir(), 'corral-topology-'));
  kubeconfig = join(dir, 'kubeconfig');
  await writeFile(kubeconfig, fakeKubeConfig(server.url, 'node-token').exportConfig());
});

afterAll(async () => {
  for (const h of harnesses) await h.stop();
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('node topology', () => {
  it("given --topology-labels, reports the node's values of those labels and the accessibility capability", async () => {
    const h = await startHarness({
      role: 'node',
      extraArgs: [
        '--kubeconfig',
        kubeconfig,
        '--topology-labels',
        'topology.kubernetes.io/zone,topology.kubernetes.io/region',
      ],
    });
    harnesses.push(h);
    const info = await call(h.node, 'NodeGetInfo', {});
    expect(info.node_id).toBe('node-a');
    expect(info.accessible_topology?.segments).toEqual({ 'topology.kubernetes.io/zone': 'eu-west-1a' });
    const caps = await call(h.identity, 'GetPluginCapabilities', {});
    expect(caps.capabilities).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ service: { type: 'VOLUME_ACCESSIBILITY_CONSTRAINTS' } }),
      ]),
    );
    expect(server.requests.count({ path: '/api/v1/nodes/node-a' })).toBeGreaterThanOrEqual(1);
  });

  it('given no --topology-labels, reports no topology and no accessibility capability', async () => {
    const h = await startHarness({ role: 'node' });
    harnesses.push(h);
    const info = await call(h.node, 'NodeGetInfo', {});
    expect(info.accessible_topology ?? null).toBeNull();
    const caps = await call(h.identity, 'GetPluginCapabilities', {});
    expect(JSON.stringify(caps.capabilities)).not.toContain('VOLUME_ACCESSIBILITY_CONSTRAINTS');
  });

  it('given --topology-labels without --kubeconfig, refuses the configuration with the reason', () => {
    expect(() =>
      loadCsiConfig(
        [
          '--role',
          'node',
          '--node-id',
          'n',
          '--endpoint',
          'unix:///tmp/x.sock',
          '--cluster-config',
          '/x',
          '--topology-labels',
          'zone',
        ],
        {},
      ),
    ).toThrow(/--topology-labels needs --kubeconfig/);
  });
});
